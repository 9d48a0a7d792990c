"""Synthetic load for the benchmark: `manage.py seed_scale --years N` (bench/README.md).

Each app registers a seeder from `apps.py`, as it registers its demo data (kokona.demo):

    scale.register(seed_consultations, order=10)

A seeder receives a `Scale` (the years to cover, the people to write as, what earlier seeders
made) and writes its rows in bulk (`bulk_create`, a few thousand at a time), never row by row:
ten years are hundreds of thousands of rows. Encrypted fields are encrypted by the field itself
on a bulk insert; keyed hashes are the seeder's to compute, as `save()` would. Never on real
data: the command refuses a database that holds records it did not make.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from kokona.models import User
from kokona.roles import Role

BATCH = 2000
# Per year of records: the volumes of issue 13.
WOMEN_PER_YEAR = 2000
CONTACTS_PER_YEAR = 10_000
ACTIVITIES_PER_YEAR = 4000
SESSIONS_PER_YEAR = 600
SITES = 100
SURVEY_ANSWERS_PER_YEAR = 1000
COUNSELORS = 8
# The case the benchmark opens: its timeline has this many entries.
LONG_CASE_ENTRIES = 200


@dataclass
class Scale:
    years: int
    today: dt.date
    rng: random.Random
    counselors: list[User]
    supervisor: User
    city_staff: User
    site_manager: User
    # What a seeder made that a later one needs (e.g. the women, for attendance).
    made: dict[str, object] = field(default_factory=dict)

    @property
    def first_day(self) -> dt.date:
        return self.today - dt.timedelta(days=365 * self.years)

    def day_in_year(self, year_index: int) -> dt.date:
        """A random day of the `year_index`-th year back from today (0: the last 365 days)."""
        return self.today - dt.timedelta(days=365 * year_index + self.rng.randrange(365))

    def moment(self, day: dt.date) -> dt.datetime:
        """A plausible time on `day`, between 8:00 and 23:00 Japan time; today, not later than
        now (a contact of 22:58 seeded at 5:00 would show on the home as the latest)."""
        local = dt.datetime.combine(
            day, dt.time(8 + self.rng.randrange(15), self.rng.randrange(60))
        )
        return min(timezone.make_aware(local), timezone.now())


Seeder = Callable[[Scale], str]
_seeders: dict[Seeder, int] = {}


def register(seeder: Seeder, *, order: int) -> None:
    _seeders[seeder] = order


def seeders() -> list[Seeder]:
    return sorted(_seeders, key=lambda seeder: _seeders[seeder])


def scale_user(username: str, role: Role, display_name: str) -> User:
    """A bench sign-in (no password: the benchmark makes its sessions server-side)."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role.value))
        if role.requires_two_factor:
            TOTPDevice.objects.create(user=user, name="scale", confirmed=True)
    return user


def people() -> dict[str, User | list[User]]:
    counselors = [
        scale_user(f"scale_c{n}", Role.COUNSELOR, f"相談員 {n}") for n in range(1, COUNSELORS + 1)
    ]
    return {
        "counselors": counselors,
        "supervisor": scale_user("scale_sup", Role.SUPERVISOR, "管理者"),
        "city_staff": scale_user("scale_city", Role.CITY_STAFF, "市職員"),
        "site_manager": scale_user("scale_site", Role.SITE_MANAGER, "拠点管理"),
    }
