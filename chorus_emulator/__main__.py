from chorus_emulator.cli import main

raise SystemExit(main())
