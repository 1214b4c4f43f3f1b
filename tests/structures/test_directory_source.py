"""The directory seam: which source each Chorus Pro environment reads, decided in one place."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from structures.directory_source import (
    ReferentielSource,
    StructuresApiSource,
    directory_source_for,
    directory_source_name,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_emulator_reads_the_referentiel_and_pistes_environments_the_structures_api():
    assert directory_source_name("emulator") == "referentiel"
    assert directory_source_name("sandbox") == "structures"
    assert directory_source_name("production") == "structures"


def test_an_unknown_environment_or_source_means_the_referentiel(settings):
    settings.CHORUS_DIRECTORY_SOURCE = {"emulator": "annuaire"}
    assert directory_source_name("emulator") == "referentiel"
    assert directory_source_name("elsewhere") == "referentiel"


@pytest.mark.parametrize(
    ("source", "kind"), [("referentiel", ReferentielSource), ("structures", StructuresApiSource)]
)
def test_the_setting_picks_the_source(settings, source, kind):
    settings.CHORUS_DIRECTORY_SOURCE = {"production": source}
    assert isinstance(directory_source_for(client=None, environment="production"), kind)


def _settings_with(value: str) -> str:
    env = {**os.environ, "CHORUS_DIRECTORY_SOURCE": value}
    env.pop("PORTAL_ENV", None)
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings'); "
        "django.setup(); from django.conf import settings; "
        "print(sorted(settings.CHORUS_DIRECTORY_SOURCE.items()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_environment_variable_sets_every_environment_or_some():
    assert _settings_with("structures") == str(
        [("emulator", "structures"), ("production", "structures"), ("sandbox", "structures")]
    )
    assert _settings_with("production=referentiel, sandbox=referentiel") == str(
        [("emulator", "referentiel"), ("production", "referentiel"), ("sandbox", "referentiel")]
    )


def test_the_choice_is_read_in_one_place():
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in ROOT.glob("**/*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and "CHORUS_DIRECTORY_SOURCE" in path.read_text(encoding="utf-8")
    ]
    assert sorted(readers) == ["portal/settings.py", "structures/directory_source.py"]
