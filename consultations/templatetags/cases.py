"""A case as the lists show it: one line with her nickname, the case's state and what is next
(`{% case_row case %}`, on the home, the case list and her page).

Written here in Python rather than by an `{% include %}` of a template: the home and the case list
draw up to 30 rows, and Django's template engine took about 0.15 ms to resolve a row's two dozen
variables, tags and filters. The row is put together from f-strings, each value through the
standard library's `html.escape`, which Django's `escape` calls too: `format_html` and Django's
`escape` wrap every call to look for lazy strings, as much again as the escaping itself. 30 rows
in-process on the bench's cases (fastest and median of 200): 2.9–7.1 ms by the template, 2.6–4.5
by `format_html`, 1.5–2.1 here. What it writes is what the template wrote: the same HTML for
6,000 rows of the bench's cases, and tests."""

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from consultations.models import (
    Case,
    CaseAssignment,
    CaseStatus,
    CaseStatusChange,
    Client,
    Contact,
    Referral,
    Risk,
    SupportActivity,
)
from consultations.timelines import Entry
from kokona.templatetags.kokona import short_date, short_datetime

if TYPE_CHECKING:
    from consultations.queries import CaseRow

register = template.Library()


@register.simple_tag(takes_context=True)
def case_row(
    context: template.Context, case: "CaseRow", show_counselor: bool = False
) -> SafeString:
    """Her nickname linked to the case, her code, the status and warning tags, then the main
    concern, the follow-up date (late or due today said so), the last contact and, in lists of
    everyone's cases, who is in charge: a row of `queries.case_rows`, which reads her nickname,
    the concern's label and the counselor's name with the case. Today and the rows' words are
    asked once for the page."""
    today = context.render_context.get("today")
    if today is None:
        today = context.render_context["today"] = timezone.localdate()
    words = context.render_context.get("case_row_words")
    if words is None:
        words = context.render_context["case_row_words"] = _Words()
    html = [
        f'<li class="case-row">\n  <a class="case-row__name" href="{case.get_absolute_url()}">'
        f"{escape(case.nickname)}</a>\n"
        f'  <span class="muted small">{Client.code_of(case.client_id)}</span>\n'
        f'  <span class="tag tag--{case.status_tone}">{words.status[case.status]}</span>'
    ]
    if case.is_high_risk:
        html.append(
            f'\n  <span class="tag tag--error">{words.risk}: {words.risks[case.risk]}</span>'
        )
    if case.restricted:
        html.append(f'\n  <span class="tag tag--muted">{words.restricted}</span>')
    html.append('\n  <div class="case-row__meta small">')
    if case.concern:
        html.append(f"\n    <span>{escape(case.concern)}</span>")
    if case.follow_up_due:
        html.append(_follow_up(case, today, words))
    if last_contact := case.last_contact_at:
        html.append(f"\n    <span>{words.last_contact} {short_date(last_contact, today)}</span>")
    if show_counselor:
        name = escape(case.counselor) if case.counselor else words.nobody
        html.append(f"\n    <span>{words.in_charge}: {name}</span>")
    html.append("</div>\n</li>")
    # Every value above is escaped as it is written in.
    return mark_safe("".join(html))  # noqa: S308  # nosec B308 B703


class _Words:
    """The words a case row writes, translated and escaped once a page: a list of 25 rows asked
    Django's translation for them about 150 times, each time looking up the active language."""

    def __init__(self) -> None:
        # Each text is translated outside the f-strings: makemessages does not look inside them.
        self.status = {status.value: escape(str(status.label)) for status in CaseStatus}
        self.risks = {risk.value: escape(str(risk.label)) for risk in Risk}
        self.risk = escape(_("Risk"))
        self.restricted = escape(_("Restricted"))
        self.last_contact = escape(_("Last contact"))
        self.in_charge = escape(_("In charge"))
        self.nobody = escape(_("nobody"))
        self.follow_up_by = escape(_("Follow up by"))
        self.overdue = escape(_("overdue"))
        self.due_today = escape(_("Due today"))


def _follow_up(case: Case, today: dt.date, words: _Words) -> str:
    due = f"{words.follow_up_by} {short_date(case.follow_up_due, today)}"
    if case.is_overdue_on(today):
        return f'\n    <span class="overdue">{due}（{words.overdue}）</span>'
    if case.is_due_on(today):
        return (
            f'\n    <span>{due}<strong class="tag tag--warning">{words.due_today}</strong></span>'
        )
    return f"\n    <span>{due}</span>"


@register.simple_tag
def timeline_entry(entry: Entry) -> SafeString:
    """One entry of her story on the case page (`timelines.timeline`): when, what kind, who,
    and what was written, each kind as its record reads. Drawn here for the reason case rows are:
    the page draws twenty, about 0.25 ms each through the template engine."""
    record = entry.record
    body = _DRAW[entry.kind](record)
    html = f'\n    <li class="timeline__item timeline__item--{entry.kind}">{body}\n    </li>'
    # Each part escapes what it writes.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def _when(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f'<time datetime="{local.isoformat()}">{short_datetime(moment)}</time>'


def _on(day: dt.date) -> str:
    return f'<time datetime="{day.isoformat()}">{short_date(day)}</time>'


def _text(value: str, css: str = "timeline__text") -> str:
    """Free text as written, its lines kept (`linebreaksbr`)."""
    return f'\n        <p class="{css}">{linebreaksbr(value, autoescape=True)}</p>'


def _name(user: object, default: str = "") -> str:
    return escape(str(user)) if user else escape(default)


def _contact(contact: Contact) -> str:
    details = escape(contact.get_direction_display())
    if contact.duration_minutes:
        minutes = escape(_("min"))
        details += f" · {contact.duration_minutes}{minutes}"
    if contact.counselor:
        details += f" · {_name(contact.counselor)}"
    html = [
        f'\n        <p class="timeline__meta">{_when(contact.occurred_at)}'
        f'\n          <span class="tag tag--key">{escape(str(contact.channel))}</span>'
        f'\n          <span class="small muted">{details}</span>'
    ]
    if contact.is_pressing:
        urgency = escape(contact.get_urgency_display())
        html.append(f'\n          <span class="tag tag--error">{urgency}</span>')
    html.append("</p>")
    concerns = getattr(contact, "concerns", None)
    if concerns:
        tags = "".join(
            f'<span class="tag tag--muted">{escape(label)}</span> ' for label in concerns
        )
        html.append(f'\n        <p class="small">{tags}</p>')
    html.append(_text(contact.summary))
    if contact.next_step:
        label = escape(_("Next step"))
        step = linebreaksbr(contact.next_step, autoescape=True)
        html.append(f'\n        <p class="small"><strong>{label}:</strong> {step}</p>')
    return "".join(html)


def _activity(activity: SupportActivity) -> str:
    kind = escape(activity.get_kind_display())
    html = [
        f'\n        <p class="timeline__meta">{_on(activity.done_on)}'
        f'\n          <span class="tag tag--success">{kind}</span>'
        f'\n          <span class="small muted">{_name(activity.staff)}</span></p>'
    ]
    if activity.role_taken:
        label = escape(_("Role she took"))
        role = escape(activity.role_taken)
        html.append(f'\n        <p class="small"><strong>{label}:</strong> {role}</p>')
    if activity.notes:
        html.append(_text(activity.notes))
    return "".join(html)


def _referral(referral: Referral) -> str:
    if not referral.shares_information:
        sharing = _("No information about her was shared.")
    elif referral.consent_recorded:
        sharing = _("Her information was shared with her consent.")
    else:
        sharing = _("Shared without her consent on the decision of %(who)s.") % {
            "who": referral.override_by
        }
    label, agency = escape(_("Referral")), escape(str(referral.agency))
    html = [
        f'\n        <p class="timeline__meta">{_on(referral.referred_on)}'
        f'\n          <span class="tag tag--warning">{label}</span> {agency}'
        f" · {escape(referral.get_stage_display())}</p>"
        f'\n        <p class="small">{escape(sharing)}</p>'
    ]
    if referral.notes:
        html.append(_text(referral.notes))
    return "".join(html)


def _assignment(handover: CaseAssignment) -> str:
    before = _name(handover.from_user, _("Nobody"))
    step = f"{before} → {_name(handover.to_user)}"
    return _change(handover.changed_at, _("Change of counselor"), step, handover)


def _status(change: CaseStatusChange) -> str:
    step = escape(change.get_to_status_display())
    if change.from_status:
        step = f"{escape(change.get_from_status_display())} → {step}"
    if change.outcome:
        step += f"\n          （{escape(str(change.outcome))}）"
    return _change(change.changed_at, _("Status"), step, change)


def _change(moment: dt.datetime, label: str, step: str, record: Any) -> str:
    """A change of the case (a handover, a status): when, what changed, who, and why."""
    html = (
        f'\n        <p class="timeline__meta">{_when(moment)}'
        f'\n          <span class="tag tag--muted">{escape(label)}</span>'
        f"\n          {step}"
        f'\n          <span class="small muted">{_name(record.changed_by)}</span></p>'
    )
    return html + (_text(record.reason, "small") if record.reason else "")


_DRAW: dict[str, Callable[[Any], str]] = {
    "contact": _contact,
    "activity": _activity,
    "referral": _referral,
    "assignment": _assignment,
    "status": _status,
}
