"""Selects and chips are written in Python (kokona.widgets): they must write what Django's own
widget templates write, escaping included."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import SimpleTestCase

from kokona.widgets import CheckboxChips, ChoiceChips

TRICKY = [
    ("", "どれでも"),
    ("a\"<b>&'", "<script>alert(1)</script> & 「相談」"),
    (
        "グループ",
        [("1", "一"), ("2", 2021)],  # a number label is localised as a template would
    ),
    ("x", "エックス"),
]


class Sample(forms.Form):
    one = forms.ChoiceField(choices=TRICKY, required=False)
    many = forms.MultipleChoiceField(choices=TRICKY, required=False)
    yes_no = forms.NullBooleanField(required=False)
    attrs = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")],
        widget=forms.Select(attrs={"class": "wide", "data-x": 'say "hi"', "disabled": True}),
    )


class Chips(forms.Form):
    stage = forms.ChoiceField(
        choices=[("informed", "情報提供"), ("<b>", "<i>太字</i>")], widget=ChoiceChips
    )
    kinds = forms.MultipleChoiceField(choices=[("1", "電話"), ("2", "LINE")], widget=CheckboxChips)


class SelectsAsDjangoWritesThem(SimpleTestCase):
    def test_every_select_matches_djangos_own_templates(self):
        for data in [None, {"one": "a\"<b>&'", "many": ["2", "x"], "yes_no": "true"}]:
            ours = Sample(data)
            theirs = Sample(data, renderer=DjangoTemplates())
            for name in ours.fields:
                with self.subTest(field=name, bound=data is not None):
                    self.assertHTMLEqual(str(ours[name]), str(theirs[name]))
                    self.assertNotIn("<script>", str(ours[name]))

    def test_the_chips_are_labelled_inputs_with_their_choice_checked(self):
        form = Chips({"stage": "<b>", "kinds": ["2"]})

        self.assertHTMLEqual(
            str(form["stage"]),
            '<div id="id_stage" class="chips">'
            '<label class="chip" for="id_stage_0"><input type="radio" name="stage"'
            ' value="informed" required id="id_stage_0"><span>情報提供</span></label>'
            '<label class="chip" for="id_stage_1"><input type="radio" name="stage"'
            ' value="&lt;b&gt;" required id="id_stage_1" checked>'
            "<span>&lt;i&gt;太字&lt;/i&gt;</span></label></div>",
        )
        self.assertHTMLEqual(
            str(form["kinds"]),
            '<div id="id_kinds" class="chips">'
            '<label class="chip" for="id_kinds_0"><input type="checkbox" name="kinds"'
            ' value="1" id="id_kinds_0"><span>電話</span></label>'
            '<label class="chip" for="id_kinds_1"><input type="checkbox" name="kinds"'
            ' value="2" id="id_kinds_1" checked><span>LINE</span></label></div>',
        )
