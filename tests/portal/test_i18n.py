import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.LOCALE_PATHS[0])
NO_BREAK_SPACES = "\u00a0\u202f"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_catalogue_is_complete_and_compiled(language):
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert source.untranslated_entries() == []
    assert source.fuzzy_entries() == []
    compiled = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled_ids = {entry.msgid for entry in compiled}
    assert {entry.msgid for entry in source.translated_entries()} <= compiled_ids


def test_the_interface_is_french_by_default(client):
    page = client.get(reverse("login")).text
    assert '<html lang="fr">' in page
    assert "Se connecter" in page


def test_the_english_switch_translates_the_interface_and_stays(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login")).text
    assert '<html lang="en">' in page
    assert "Log in" in page and "Se connecter" not in page


@pytest.mark.parametrize("count", [0, 1, 2, 5, 1_000_000])
def test_french_counts_are_french_whatever_the_number(count):
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("fr"):
        text = ngettext(
            "%(days)s day left to pay without late-payment interest.",
            "%(days)s days left to pay without late-payment interest.",
            count,
        ) % {"days": count}
    assert "left to pay" not in text and str(count) in text


def test_a_user_who_chose_english_reads_english_in_any_browser(client, make_user):
    user = make_user()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": reverse("account")})
    assert user.profile.language == "en"

    # Another browser: no language cookie, a French browser.
    other = type(client)(headers={"accept-language": "fr-FR,fr"})
    other.force_login(user)
    page = other.get(reverse("account")).text
    assert '<html lang="en">' in page and "My account" in page


def test_the_account_page_sets_the_language_of_pages_and_notices(client, make_user):
    user = make_user()
    client.force_login(user)
    response = client.get(reverse("account"))
    assert "Mon compte" in response.text
    assert response.context["form"]["language"].value() == "fr"
    response = client.post(reverse("account"), {"language": "en"}, follow=True)
    assert "Your language is saved." in response.text
    user.refresh_from_db()
    assert user.profile.language == "en"
    response = client.post(reverse("account"), {"language": "de"})
    assert response.status_code == 200 and 'role="alert"' in response.text
    assert user.profile.language == "en"


def test_without_a_choice_the_portal_language_applies_to_notices(make_user):
    from portal.languages import language_for_user

    assert language_for_user(user=make_user()) == "fr"


def _french_texts():
    """Every French text as the next catalogue will have it: the catalogue's, overridden by the
    translations pending in locale/pending/*.json, which join it at the next refresh."""
    from portal.management.commands.messages_update import pending_translations

    pending = pending_translations()
    for entry in polib.pofile(str(LOCALE / "fr" / "LC_MESSAGES" / "django.po")):
        key = f"{entry.msgid}|||{entry.msgid_plural}" if entry.msgid_plural else entry.msgid
        value = pending.pop(key, None)
        if value is None:
            value = list(entry.msgstr_plural.values()) if entry.msgid_plural else entry.msgstr
        yield from value if isinstance(value, list) else [value]
    for value in pending.values():
        yield from value if isinstance(value, list) else [value]


def test_french_text_follows_french_typography():
    bad = []
    for text in _french_texts():
        if "'" in text:
            bad.append(("straight apostrophe", text))
        # A no-break space before two-part punctuation (not in "https://" or "10:30").
        for match in re.finditer(r"(.)([:;?!])(?=\s|$|[)»])", text):
            if match.group(1) not in NO_BREAK_SPACES:
                bad.append((f"space before {match.group(2)!r}", text))
        if re.search(r"«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»", text):
            bad.append(("space inside « »", text))
    assert bad == []
