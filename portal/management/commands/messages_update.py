"""Refresh the translation catalogues after a change of interface text.

1. Extract messages (needs GNU gettext's xgettext, a developer tool only).
2. Complete the English catalogue: the source strings are English, so each msgstr is its msgid.
3. Apply French translations handed over in locale/pending/*.json ({"msgid": "msgstr"}, plurals
   as {"singular|||plural": ["one", "many"]}), then list French messages still to translate.
4. Compile both catalogues with polib, so that no gettext is needed to install or run the portal.
"""

import json
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

IGNORED = [
    ".venv/*",
    "chorus_client/*",
    "chorus_emulator/*",
    "tests/*",
    "var/*",
    "bench/*",
    "docs/*",
]


def catalogue_path(language: str) -> Path:
    return settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.po"


FRENCH_PLURALS = "nplurals=2; plural=(n > 1);"


def pending_translations() -> dict:
    """French translations handed over in locale/pending/*.json, not yet in the catalogue."""
    translations = {}
    for path in sorted((settings.LOCALE_PATHS[0] / "pending").glob("*.json")):
        translations.update(json.loads(path.read_text()))
    return translations


class Command(BaseCommand):
    help = "Extract, complete and compile the French and English message catalogues."

    def add_arguments(self, parser):
        parser.add_argument("--no-extract", action="store_true", help="Only complete and compile.")

    def handle(self, *args, **options):
        if not options["no_extract"]:
            call_command("makemessages", locale=["fr", "en"], ignore_patterns=IGNORED, verbosity=0)
        english = polib.pofile(str(catalogue_path("en")))
        for entry in english:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
        english.save()
        french = polib.pofile(str(catalogue_path("fr")))
        # makemessages writes the CLDR rule with three forms (a third one for millions), which
        # our two-form entries do not fill: any count of 2 or more then fell back to English.
        french.metadata["Plural-Forms"] = FRENCH_PLURALS
        for entry in french:
            if entry.msgid_plural:
                entry.msgstr_plural = {i: entry.msgstr_plural.get(i, "") for i in (0, 1)}
        self._apply_pending(french)
        missing = french.untranslated_entries() + french.fuzzy_entries()
        for entry in missing:
            self.stdout.write(f"fr: to translate: {entry.msgid!r}")
        for language, catalogue in (("en", english), ("fr", french)):
            catalogue.save_as_mofile(str(catalogue_path(language).with_suffix(".mo")))
        self.stdout.write(f"{len(missing)} French message(s) to translate; catalogues compiled.")

    def _apply_pending(self, french: polib.POFile) -> None:
        translations = pending_translations()
        for entry in french:
            key = f"{entry.msgid}|||{entry.msgid_plural}" if entry.msgid_plural else entry.msgid
            value = translations.get(key)
            if value is None:
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value[0], 1: value[1]}
            else:
                entry.msgstr = value
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
        french.save()
