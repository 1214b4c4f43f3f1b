"""Texts Chorus Pro limits in length: never cut by the browser, refused whole by the server.

Texts new to this part are checked in English, whatever the state of the French catalogue.
"""

import pytest
from django import forms
from django.utils import translation

from invoices.answers.forms import AcknowledgementForm, CompletionForm, RecycleForm
from invoices.forms_fields import LimitedTextField
from invoices.models import ReasonTemplate
from invoices.treatment.forms import ReasonTemplateForm, TreatForm, ValidatorDecisionForm


class MotiveForm(forms.Form):
    motive = LimitedTextField(max_length=10, required=False)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_text_over_the_limit_is_refused_with_its_count_and_kept_whole(english):
    form = MotiveForm({"motive": "x" * 12})
    assert not form.is_valid()
    assert form.errors["motive"] == [
        "This text has 12 characters, for 10 at most: shorten it (nothing was sent)."
    ]
    assert 'name="motive"' in str(form["motive"]) and "x" * 12 in str(form["motive"])


def test_a_line_break_counts_as_one_character_as_the_page_counts_it():
    form = MotiveForm({"motive": "abcd\r\nefgh\r\n"})  # browsers send CRLF
    assert form.is_valid(), form.errors
    assert form.cleaned_data["motive"] == "abcd\nefgh"


@pytest.mark.parametrize(
    ("form", "field", "limit"),
    [
        (lambda: TreatForm(targets=[], templates=ReasonTemplate.objects.none()), "motive", 255),
        (lambda: ValidatorDecisionForm(reasons=[]), "comment", 255),
        (ReasonTemplateForm, "text", 255),
        (ReasonTemplateForm, "label", 80),
        (CompletionForm, "comment", 1000),
        (RecycleForm, "comment", 1000),
        (RecycleForm, "commitment_number", 50),
        (AcknowledgementForm, "comment", 1000),
    ],
)
def test_no_limited_text_is_cut_by_the_browser(db, english, form, field, limit):
    # A browser's maxlength drops what is pasted past it, without a word.
    html = str(form()[field])
    assert "maxlength" not in html
    assert f'data-maxchars="{limit}"' in html
    assert 'data-counter="%(count)s of %(limit)s characters"' in html
