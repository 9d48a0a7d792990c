"""How women reach ここなプ: the public contact details a supervisor keeps up to date.

Numbers and hours change, so they are a row supervisors edit in the admin, not text in a
template. The landing pages of the cards, the web form's confirmation and the LINE out-of-hours
reply all read them from here.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kokona import public

DEFAULT_EMERGENCY_NUMBERS = """\
警察（緊急のとき）| 110
DV相談ナビ | #8008
DV相談＋（24時間） | 0120-279-889
性犯罪・性暴力の相談（ワンストップ支援センター） | #8891
女性の相談窓口 | #8778"""

DEFAULT_AUTO_REPLY = (
    "メッセージを受け取りました。ありがとうございます。\n"
    "いまは相談員がお返事できる時間ではありません。次の受付時間にお返事します。\n"
    "命の危険を感じるとき、すぐに助けが必要なときは、ためらわずに次の番号へ電話してください。"
)


@dataclass(frozen=True)
class EmergencyNumber:
    label: str
    number: str

    @property
    def tel(self) -> str:
        """The number as a tel: link takes it (# kept, hyphens dropped)."""
        return self.number.replace("-", "").replace(" ", "")


def _ten_oclock() -> dt.time:
    return dt.time(10, 0)


def _eight_pm() -> dt.time:
    return dt.time(20, 0)


class ReachSettings(models.Model):
    """The one row of public contact details (pk 1). Nothing here is about any woman."""

    line_url = models.URLField(
        _("LINE friend link"), blank=True, help_text=_("The link that adds our LINE account.")
    )
    line_name = models.CharField(_("LINE account name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    hours = models.TextField(
        _("opening hours"),
        default="月曜日〜金曜日 10:00〜20:00（祝日・年末年始を除く）",
        help_text=_("As women should read it on the public page."),
    )
    # Defaults as functions: Django's check of a fixed default time (fields.W161) takes a time
    # for a mistaken "now" within ten seconds of it, so `check --deploy` failed at 10:00:00 and
    # 20:00:00 (UTC) each day.
    opens_at = models.TimeField(_("counselors answer from"), default=_ten_oclock)
    closes_at = models.TimeField(_("counselors answer until"), default=_eight_pm)
    open_on_weekends = models.BooleanField(_("counselors answer on weekends"), default=False)
    emergency_numbers = models.TextField(
        _("emergency numbers"),
        default=DEFAULT_EMERGENCY_NUMBERS,
        help_text=_("One a line: the name, a vertical bar |, the number."),
    )
    auto_reply = models.TextField(
        _("out-of-hours reply on LINE"),
        default=DEFAULT_AUTO_REPLY,
        help_text=_("Sent once a night to a LINE message outside the hours; the numbers follow."),
    )
    exit_url = models.URLField(
        _("quick-exit address"),
        default=public.DEFAULT_EXIT_URL,
        help_text=_("Where 「すぐに閉じる」 leaves for: a neutral page, such as the weather."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public contact details")
        verbose_name_plural = _("public contact details")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="reach_settings_one")]

    def __str__(self) -> str:
        return str(_("public contact details"))

    def save(self, *args: object, **kwargs: object) -> None:
        self.pk = 1
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def current(cls) -> "ReachSettings":
        """The saved details, or the defaults until a supervisor saves them."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def numbers(self) -> list[EmergencyNumber]:
        found = []
        for line in self.emergency_numbers.splitlines():
            label, bar, number = line.rpartition("|")
            if bar and label.strip() and number.strip():
                found.append(EmergencyNumber(label.strip(), number.strip()))
        return found

    def is_open(self, when: dt.datetime | None = None) -> bool:
        local = timezone.localtime(when)
        if local.weekday() >= 5 and not self.open_on_weekends:
            return False
        return self.opens_at <= local.time() < self.closes_at


class PublicThrottle(models.Model):
    """One use of a public form, kept a day to limit uses per address. The address is stored
    only as a keyed hash (kokona.crypto), and each row is deleted after a day."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("public form use")
        verbose_name_plural = _("public form uses")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
