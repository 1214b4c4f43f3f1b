from django.core.management.base import BaseCommand

from portal.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the demo structures, users and emulator connections (safe to run twice)."

    def handle(self, *args, **options):
        logins = demo_load()
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for login in logins:
            second_factor = (
                f" (code: manage.py demo_totp {login.username})" if login.totp_secret else ""
            )
            self.stdout.write(f"  {login.username:<14} {login.description}{second_factor}")
