"""kokona.forms.ShortModelChoiceField: a short list read once for its options and the value
chosen, with Django's own answer for a value that is not among them."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Channel
from kokona.forms import ShortModelChoiceField
from tests.consultations.factories import make_case, make_contact, vocabulary


class ChannelForm(forms.Form):
    channel = ShortModelChoiceField(queryset=Channel.objects.filter(is_active=True), required=False)


def test_the_value_chosen_is_found_among_the_options_in_one_query(db):
    line = vocabulary("Channel", "line")

    with CaptureQueriesContext(connection) as captured:
        form = ChannelForm({"channel": str(line.pk)})
        assert form.is_valid()
        html = str(form["channel"])

    assert form.cleaned_data["channel"] == line
    assert f'<option value="{line.pk}" selected>{line.label}</option>' in html
    assert len(captured) == 1


def test_a_required_choice_without_an_empty_option_reads_its_list_once(db):
    class Required(forms.Form):
        channel = ShortModelChoiceField(queryset=Channel.objects.all(), empty_label=None)

    with CaptureQueriesContext(connection) as captured:
        form = Required()
        html = str(form["channel"])
        assert bool(form.fields["channel"].choices)  # from the rows read, no query of its own

    assert html.count("<option") == Channel.objects.count()
    assert len(captured) == 1


@pytest.mark.parametrize("sent", ["999999", "abc", "1.5"])
def test_a_value_not_among_the_options_is_refused_in_japanese(db, sent):
    form = ChannelForm({"channel": sent})

    assert not form.is_valid()
    assert form.errors["channel"] == ["正しく選択してください。選択したものは候補にありません。"]


def test_a_row_outside_its_queryset_is_refused(db):
    line = vocabulary("Channel", "line")
    Channel.objects.filter(pk=line.pk).update(is_active=False)

    form = ChannelForm({"channel": str(line.pk)})

    assert not form.is_valid()


def test_each_form_reads_its_own_list(db):
    # A field is copied for each form: a vocabulary changed between two requests shows in the
    # second, not the list the first one read.
    ChannelForm({"channel": ""}).is_valid()
    assert (
        str(ChannelForm()["channel"]).count("<option")
        == 1 + Channel.objects.filter(is_active=True).count()
    )
    line = vocabulary("Channel", "line")
    Channel.objects.filter(pk=line.pk).update(is_active=False)

    assert f'value="{line.pk}"' not in str(ChannelForm()["channel"])


def test_a_filtered_case_list_reads_each_list_once(client_as, counselor):
    client = client_as("counselor")
    line, dv = vocabulary("Channel", "line"), vocabulary("ConcernCategory", "dv")
    make_contact(make_case(assigned_to=counselor, primary_concern=dv), channel="line")
    # The panel opened: the form is drawn, with each list's options.
    url = reverse("consultations:case_list") + f"?channel={line.pk}&category={dv.pk}&panel=filters"
    client.get(url)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)

    assert response.context["page"].paginator.count == 1
    # Sign-in checks (session, the user), the counselors, the concerns and the channels each
    # once, the cases counted and read.
    assert len(captured) == 7
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert sql.count('FROM "consultations_channel"') == 1
