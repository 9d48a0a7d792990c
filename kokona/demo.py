"""Demo data for `make run`: sign-ins, one per role, and what each app registered.

Never for production: seed_demo refuses there. An app registers its seed from `apps.py`:

    demo.register(seed_consultations, order=10)

A seed receives the demo users by username and returns a line saying what it added, or None when
its data was there already (seed_demo runs on every `make run`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokona import two_factor
from kokona.models import User
from kokona.roles import Role

# Demo only: seed_demo refuses to run without DEBUG.
DEMO_PASSWORD = "kokona-demo-2026"  # nosec B105
# A fixed authenticator key, so a developer may add the demo counselor to a phone app too.
DEMO_TOTP_KEY = "6b6f6b6f6e612d64656d6f2d746f74702d6b6579"


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    staff: bool = False

    @property
    def backup_codes(self) -> list[str]:
        # Topped up on every `make run`, so a printed code works again after a restart.
        return [f"{self.username}-{n}" for n in range(1, 6)]


DEMO_USERS = [
    DemoUser("soudan", "相談員 さくら", Role.COUNSELOR),
    DemoUser("soudan2", "相談員 みずき", Role.COUNSELOR),
    DemoUser("kanri", "管理者 はるか", Role.SUPERVISOR, staff=True),
    DemoUser("shi", "市職員 こども支援課", Role.CITY_STAFF),
    DemoUser("kyoten", "拠点管理 ふらっと", Role.SITE_MANAGER),
]


@transaction.atomic
def seed_users() -> dict[str, User]:
    users = {}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={"display_name": demo.display_name, "is_staff": demo.staff},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=demo.role.value))
        if demo.role.requires_two_factor:
            TOTPDevice.objects.get_or_create(
                user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
            )
            two_factor.issue_backup_codes(user, demo.backup_codes)
        users[demo.username] = user
    return users


Seed = Callable[[dict[str, User]], str | None]
_seeds: dict[Seed, int] = {}


def register(seed: Seed, *, order: int) -> None:
    _seeds[seed] = order


def seeds() -> list[Seed]:
    return sorted(_seeds, key=lambda seed: _seeds[seed])
