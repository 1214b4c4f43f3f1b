from facturation_pro_emulator.cli import main

raise SystemExit(main())
