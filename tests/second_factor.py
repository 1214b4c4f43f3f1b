"""What a phone's authenticator app does, for tests: the code it shows for a user now."""

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts now. Each code is accepted once: when the current one is used
    already (a second login within the same 30 seconds), this is the next one, which the
    device's tolerance of one step accepts, as from a phone whose clock runs a little ahead;
    when that one is used too, it waits for the clock."""
    while True:
        device.refresh_from_db()
        current = (int(time.time()) - device.t0) // device.step + device.drift
        step = max(current, device.last_t + 1)
        if step <= current + device.tolerance:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        time.sleep(1)


def user_totp_code(user) -> str:
    return totp_code(TOTPDevice.objects.get(user=user, confirmed=True))
