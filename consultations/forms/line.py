"""The reply a counselor sends to a woman on LINE from her case page."""

from django import forms
from django.utils.translation import gettext_lazy as _

# LINE takes up to 5,000 characters in a text message.
LINE_TEXT_MAX = 5000


class LineReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply on LINE"),
        max_length=LINE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write the reply first.")},
    )
