import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Print the current login code of a demo user's authenticator (embedded run only), "
        "as their phone would show it."
    )

    def add_arguments(self, parser):
        parser.add_argument("login")

    def handle(self, *args, login, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_totp only serves the demo: it is refused in production.")
        user = get_user_model().objects.filter(username=login).first()
        if user is None:
            raise CommandError(f"No user {login!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise CommandError(f"{login} has no authenticator set up: their password suffices.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"valid for {left} more seconds")
