"""Vocabularies: what consultations are about, how they come, age bands, and the agencies women
are referred to. Seeded by data migrations, edited by supervisors in the admin; imports accept the
Japanese label or the code."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kokona.vocabularies import Vocabulary


class ConcernCategory(Vocabulary):
    """相談内容: what a consultation is about. A case has one 主訴 and several 相談内容."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("concern category")
        verbose_name_plural = _("concern categories")


class Channel(Vocabulary):
    """How the contact came: LINE, other SNS, email, phone, a visit…"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("channel")
        verbose_name_plural = _("channels")


class AgeBand(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("age band")
        verbose_name_plural = _("age bands")


class ClosingReason(Vocabulary):
    """終結理由: why a case closed (自立・解決, つなぎ完了, 連絡途絶…), so outcomes can be counted."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("closing reason")
        verbose_name_plural = _("closing reasons")


class Agency(models.Model):
    """つなぎ先機関: where counselors refer women (Kushiro's support network)."""

    class Kind(models.TextChoices):
        CITY = "city", _("City office")
        PREFECTURE = "prefecture", _("Prefecture or national office")
        WELFARE = "welfare", _("Welfare and living support")
        HEALTH = "health", _("Health and medical")
        LEGAL = "legal", _("Legal")
        POLICE = "police", _("Police")
        WORK = "work", _("Employment")
        SHELTER = "shelter", _("Violence and shelter")
        COMMUNITY = "community", _("Community group")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Added by an import; a supervisor should check the details."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
