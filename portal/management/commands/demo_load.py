from django.core.management.base import BaseCommand

from chorus_emulator.admin_client import EmulatorAdminError
from portal.demo.history import DemoHistoryError, demo_history_load
from portal.demo.world import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the demo structures, users and emulator connections, then four months of invoices "
        "played against the running Chorus Pro emulator (safe to run twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="structures, users and connections only (no emulator needed)",
        )

    def handle(self, *args, **options):
        logins = demo_load()
        if not options["no_history"]:
            self._history()
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in logins:
            second_factor = (
                f" (code: manage.py demo_totp {login.username})" if login.totp_secret else ""
            )
            self.stdout.write(f"  {login.username:<14} {login.description}{second_factor}")

    def _history(self) -> None:
        try:
            report = demo_history_load()
        except (DemoHistoryError, EmulatorAdminError) as error:
            # The portal still works without its history; say why it is missing.
            self.stderr.write(f"Demo history not loaded: {error}")
            return
        if report.loaded:
            self.stdout.write(
                f"Demo history: {report.invoices} invoices over four months, played against "
                f"the Chorus Pro emulator in {report.seconds:.1f} s."
            )
        elif report.complete:
            self.stdout.write(f"Demo history already there ({report.invoices} invoices).")
        else:
            self.stderr.write(
                "The demo history is incomplete: its loading was interrupted. To load it again, "
                "stop, delete the data folder (var/ or PORTAL_VAR_DIR) and start again."
            )
