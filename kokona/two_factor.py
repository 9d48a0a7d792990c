"""The second factor: TOTP from an authenticator app, or single-use printed backup codes."""

from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokona.models import User

BACKUP_CODE_COUNT = 10
BACKUP_DEVICE_NAME = "backup"


def sign_in_complete(user: User) -> bool:
    """Whether a signed-in user has passed every factor they owe.

    Counselors, supervisors and admin users always owe a second factor; anyone who enrolled one
    owes it too.
    """
    if user.is_verified():
        return True
    return not (user.requires_two_factor or has_device(user))


def has_device(user: User) -> bool:
    """Whether she has a confirmed device: from her devices read with her on every signed-in
    request (`User.objects.signed_in`), else asked."""
    devices = getattr(user, "confirmed_devices", None)
    return bool(devices) if devices is not None else user_has_device(user)


def pending_totp_device(user: User) -> TOTPDevice:
    """The authenticator being enrolled: created once, confirmed by its first good code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def verify(user: User, token: str) -> Device | None:
    """The device that accepts `token`, or None. A TOTP code is accepted once only."""
    wanted = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    for device in devices_for_user(user, for_verify=True):
        if isinstance(device, wanted) and device.verify_token(token):
            return device
    return None


@transaction.atomic
def issue_backup_codes(user: User, codes: list[str] | None = None) -> list[str]:
    """Replace the user's backup codes with new ones and return them, to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = codes or [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def confirm_authenticator(device: TOTPDevice) -> None:
    """Make `device` the user's one authenticator; a replaced phone's device is removed."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
