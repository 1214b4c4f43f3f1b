"""Command line: ``serve`` runs the emulator; ``fault``, ``clear-faults``, ``calls``, ``reset``,
``limits`` and ``advance`` drive a running one through its admin API."""

import argparse
import json
import logging
import sys
import urllib.error
import urllib.request

from facturation_pro_emulator.faults import KINDS

DEFAULT_PORT = 8091
DEFAULT_URL = f"http://127.0.0.1:{DEFAULT_PORT}"


def _serve(args) -> int:
    from facturation_pro_emulator.app import Emulator
    from facturation_pro_emulator.server import serve

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    serve(Emulator(args.db, args.fixture), args.host, args.port)
    return 0


def _admin(url: str, method: str, path: str, payload: dict | None = None) -> dict:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(  # noqa: S310 - the operator's own emulator
        url.rstrip("/") + "/_emulator/" + path, data=data, method=method,
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{error.code}: {error.read().decode()}") from error


def _print(payload: dict) -> int:
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m facturation_pro_emulator",
                                     description="Local Facturation.pro API emulator.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the emulator")
    serve.add_argument("--host", default="127.0.0.1",
                       help="bind address; the admin API has no auth, keep it local")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    serve.add_argument("--db", default="var/facturation_pro_emulator.sqlite3")
    serve.add_argument("--fixture", default=None, help="world JSON (default: bundled world)")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.set_defaults(run=_serve)

    def command(name: str, help_text: str):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--url", default=DEFAULT_URL)
        return sub

    fault = command("fault", "inject a fault into a running emulator")
    fault.add_argument("--kind", choices=KINDS, required=True)
    fault.add_argument("--operation", default="*",
                       help='"*", a doc path or "METHOD /firms/FIRM_ID/invoices.json"')
    fault.add_argument("--count", type=int, default=1)
    fault.add_argument("--delay-ms", type=int)
    fault.add_argument("--status", type=int)
    fault.add_argument("--retry-after", type=int)
    fault.set_defaults(run=lambda a: _print(_admin(a.url, "POST", "faults", {
        key: value for key, value in {"kind": a.kind, "operation": a.operation,
                                      "count": a.count, "delay_ms": a.delay_ms,
                                      "status": a.status, "retry_after": a.retry_after}.items()
        if value is not None})))

    limits = command("limits", "set the request quotas of a running emulator")
    limits.add_argument("--per-window", type=int, default=600)
    limits.add_argument("--window-seconds", type=int, default=300)
    limits.add_argument("--per-day", type=int, default=10_000)
    limits.set_defaults(run=lambda a: _print(_admin(a.url, "POST", "config", {"rate_limits": {
        "per_window": a.per_window, "window_seconds": a.window_seconds,
        "per_day": a.per_day}})))

    advance = command("advance", "move the emulated clock forward")
    advance.add_argument("seconds", type=float)
    advance.set_defaults(run=lambda a: _print(_admin(a.url, "POST", "clock/advance",
                                                     {"seconds": a.seconds})))

    for name, method, path, help_text, payload in (
            ("clear-faults", "DELETE", "faults", "remove every pending fault", None),
            ("calls", "GET", "calls", "show call counts per operation and account", None),
            ("reset", "POST", "reset", "reload the world and forget every change", {})):
        command(name, help_text).set_defaults(
            run=lambda a, m=method, p=path, b=payload: _print(_admin(a.url, m, p, b)))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
