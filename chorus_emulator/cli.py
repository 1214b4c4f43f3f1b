"""Command line: ``serve`` runs the emulator; ``fault``, ``clear-faults``, ``calls``, ``reset``
and ``advance`` drive a running one through its admin API."""

import argparse
import json
import logging
import sys

from chorus_emulator.faults import KINDS


def _serve(args) -> int:
    from chorus_emulator.app import Emulator
    from chorus_emulator.clock import Clock
    from chorus_emulator.server import serve

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    app = Emulator(args.db, args.fixture, Clock(args.clock, args.step_seconds), args.token_ttl)
    serve(app, args.host, args.port)
    return 0


def _admin(url: str, method: str, path: str, payload: dict | None = None) -> dict:
    from chorus_emulator.admin_client import EmulatorAdmin, EmulatorAdminError

    try:
        return EmulatorAdmin(url).request(method, path, payload)
    except EmulatorAdminError as error:
        raise SystemExit(str(error)) from error


def _fault(args) -> int:
    spec = {"kind": args.kind, "operation": args.operation, "count": args.count,
            "delay_ms": args.delay_ms, "status": args.status, "retry_after": args.retry_after,
            "code_retour": args.code_retour, "libelle": args.libelle}
    print(json.dumps(_admin(args.url, "POST", "faults",
                            {k: v for k, v in spec.items() if v is not None}), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m chorus_emulator",
                                     description="Local Chorus Pro (PISTE) emulator.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the emulator")
    serve.add_argument("--host", default="127.0.0.1",
                       help="bind address; the admin API has no auth, keep it local")
    serve.add_argument("--port", type=int, default=8090, help="0 picks a free port")
    serve.add_argument("--db", default="var/emulator.sqlite3")
    serve.add_argument("--fixture", default=None, help="world JSON (default: bundled world)")
    serve.add_argument("--clock", choices=("realtime", "manual", "instant"), default="realtime")
    serve.add_argument("--step-seconds", type=float, default=5.0)
    serve.add_argument("--token-ttl", type=int, default=3600)
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.set_defaults(run=_serve)

    fault = commands.add_parser("fault", help="inject a fault into a running emulator")
    fault.add_argument("--url", default="http://127.0.0.1:8090")
    fault.add_argument("--kind", choices=KINDS, required=True)
    fault.add_argument("--operation", default="*",
                       help='path under /cpro/, e.g. factures/v1/soumettre; "*" for all')
    fault.add_argument("--count", type=int, default=1)
    fault.add_argument("--delay-ms", type=int)
    fault.add_argument("--status", type=int)
    fault.add_argument("--retry-after", type=int)
    fault.add_argument("--code-retour", type=int)
    fault.add_argument("--libelle")
    fault.set_defaults(run=_fault)

    def simple(name, method, path, help_text, payload=None):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--url", default="http://127.0.0.1:8090")
        if payload == "seconds":
            command.add_argument("seconds", type=float)
        command.set_defaults(run=lambda args: print(json.dumps(_admin(
            args.url, method, path,
            {"seconds": args.seconds} if payload == "seconds" else payload), indent=2)) or 0)

    simple("clear-faults", "DELETE", "faults", "remove every pending fault")
    simple("calls", "GET", "calls", "show call counts")
    simple("reset", "POST", "reset", "reload the fixture and forget everything", {})
    simple("advance", "POST", "clock/advance", "move the emulated clock forward", "seconds")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
