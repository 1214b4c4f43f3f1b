"""The second factor of a login: a code from an authenticator app (TOTP, django-otp), or one of
ten single-use recovery codes.

Support staff and structure managers must have one; anyone may. Each code typed counts against
the account's lock (portal/throttle.py), like passwords. Enrolment, new recovery codes, turning
it off, a reset by support and each recovery code used are recorded in the audit.
"""

from base64 import b32encode
from dataclasses import dataclass, field
from enum import StrEnum

import segno
from django.db import transaction
from django.utils.translation import gettext
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditKind
from accounts.services.audit import audit_record
from portal.throttle import (
    second_factor_failure_record,
    second_factor_failures_clear,
    second_factor_is_locked,
)
from structures.models import Membership

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery codes"


def two_factor_required(*, user) -> bool:
    """Support staff and the managers of any structure must log in with a second factor."""
    return (
        user.is_staff
        or Membership.objects.filter(user=user, role=Membership.Role.STRUCTURE_MANAGER).exists()
    )


def totp_device_for_user(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_device(*, user) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so that a reload
    of the page shows the QR code the phone may already have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def enrolment_qr_svg(*, device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code, for the page itself."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=6, border=2, title=gettext("QR code to scan with your app"))


def enrolment_secret_text(*, device: TOTPDevice) -> str:
    """The secret as an app asks for it when it cannot scan: base 32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class SecondFactorRequired(Exception):
    """This user must keep a second factor."""


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    # The right code, already used for a login (each code works once).
    REUSED = "reused"
    LOCKED = "locked"


@dataclass(frozen=True)
class CodeCheck:
    outcome: Outcome
    device: TOTPDevice | StaticDevice | None = None
    recovery_code_used: bool = False
    recovery_codes_left: int = 0
    # Shown once, right after an enrolment.
    new_recovery_codes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.outcome == Outcome.ACCEPTED


def second_factor_verify(*, user, code: str, address: str | None) -> CodeCheck:
    """Check a code typed at login: six digits from the authenticator app, or a recovery code,
    which is then used up."""
    if second_factor_is_locked(user_id=user.pk, address=address):
        return CodeCheck(Outcome.LOCKED)
    typed = _normalized(code)
    with transaction.atomic():
        if typed.isdigit() and len(typed) == TOTP_DIGITS:
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
            device = device.first()
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True)
            device = device.first()
        accepted = device is not None and device.verify_token(typed)
    if not accepted:
        if isinstance(device, TOTPDevice) and _last_used_code(device) == typed:
            # Someone logging in twice within a step, not a guess: nothing to count.
            return CodeCheck(Outcome.REUSED)
        second_factor_failure_record(user_id=user.pk, address=address)
        return CodeCheck(Outcome.WRONG)
    second_factor_failures_clear(user_id=user.pk)
    if isinstance(device, StaticDevice):
        audit_record(kind=AuditKind.RECOVERY_CODE_USED, actor=user, subject=user)
        return CodeCheck(
            Outcome.ACCEPTED,
            device,
            recovery_code_used=True,
            recovery_codes_left=recovery_codes_left(user=user),
        )
    return CodeCheck(Outcome.ACCEPTED, device)


def enrolment_confirm(*, user, code: str, address: str | None) -> CodeCheck:
    """The first code from the app the user just set up: the app becomes their second factor
    (replacing any earlier one), and they get new recovery codes, shown once."""
    if second_factor_is_locked(user_id=user.pk, address=address):
        return CodeCheck(Outcome.LOCKED)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        accepted = device is not None and device.verify_token(_normalized(code))
        if accepted:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _recovery_codes_replace(user)
            audit_record(kind=AuditKind.TWO_FACTOR_ENROLLED, actor=user, subject=user)
    if not accepted:
        second_factor_failure_record(user_id=user.pk, address=address)
        return CodeCheck(Outcome.WRONG)
    second_factor_failures_clear(user_id=user.pk)
    return CodeCheck(Outcome.ACCEPTED, device, new_recovery_codes=codes)


def recovery_codes_regenerate(*, user) -> list[str]:
    """New recovery codes; the previous ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user)
        audit_record(kind=AuditKind.RECOVERY_CODES_REGENERATED, actor=user, subject=user)
    return codes


def two_factor_remove(*, user, code: str, address: str | None) -> CodeCheck:
    """The user turns their second factor off, confirming with a code; never for someone who
    must have one (the caller does not offer it)."""
    if two_factor_required(user=user):
        raise SecondFactorRequired(user.pk)
    check = second_factor_verify(user=user, code=code, address=address)
    if check.accepted:
        with transaction.atomic():
            _devices_delete(user)
            audit_record(kind=AuditKind.TWO_FACTOR_REMOVED, actor=user, subject=user)
    return check


def two_factor_reset(*, user, actor) -> None:
    """Support takes away a user's second factor (a lost phone and no recovery code): they set
    up a new one at their next login if they must have one. Sessions verified with the old
    device are no longer verified."""
    with transaction.atomic():
        _devices_delete(user)
        audit_record(kind=AuditKind.TWO_FACTOR_RESET, actor=actor, subject=user)
    second_factor_failures_clear(user_id=user.pk)


def _devices_delete(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _recovery_codes_replace(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _last_used_code(device: TOTPDevice) -> str:
    if device.last_t < 0:
        return ""
    return f"{hotp(device.bin_key, device.last_t, digits=device.digits):0{device.digits}d}"


def _normalized(code: str) -> str:
    """What was typed, without the spaces and dashes people add when copying a code."""
    return "".join(character for character in code if character not in " -\u00a0\t").lower()
