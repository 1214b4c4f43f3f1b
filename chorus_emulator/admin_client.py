"""A client of a running emulator's admin API (``/_emulator/``), standard library only.

Used by the command line and by the portal's demo loader, which replays months of history in a
few seconds by setting the emulated clock (Chorus Pro's own time would take days).
"""

import json
import urllib.error
import urllib.request
from datetime import datetime


class EmulatorAdminError(Exception):
    """The admin API answered an error, or did not answer."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class EmulatorAdmin:
    def __init__(self, base_url: str, *, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def request(self, method: str, path: str, payload: dict | None = None) -> dict:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's own emulator
            f"{self.base_url}/_emulator/{path}", data=data, method=method,
            headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise EmulatorAdminError(f"{error.code}: {error.read().decode(errors='replace')}",
                                     status=error.code) from error
        except (urllib.error.URLError, OSError) as error:
            raise EmulatorAdminError(f"no emulator at {self.base_url}: {error}") from error

    def health(self) -> dict:
        return self.request("GET", "health")

    def reset(self) -> None:
        self.request("POST", "reset", {})

    def set_clock(self, moment: datetime) -> str:
        """Set the emulated now (an aware datetime), backwards too; due steps are applied."""
        return self.request("POST", "clock/set", {"now": moment.isoformat()})["now"]

    def configure(self, **settings) -> dict:
        """tokenTtl, maxDownloadBytes, stepSeconds, bareSingleLists (until the next reset);
        answers the settings in force, so ``configure()`` reads them."""
        return self.request("POST", "config", settings)

    def invoices(self) -> list[dict]:
        """The 100 newest invoices, with their history."""
        return self.request("GET", "invoices")["invoices"]
