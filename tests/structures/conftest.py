"""Fixtures of the structures tests: which directory source the emulator environment uses, and
the Structures API switched off in the emulator."""

import pytest


@pytest.fixture
def use_structures_api(settings):
    """The emulator environment reads the directory from the Structures API."""
    settings.CHORUS_DIRECTORY_SOURCE = {
        **settings.CHORUS_DIRECTORY_SOURCE,
        "emulator": "structures",
    }


@pytest.fixture
def use_referentiel(settings):
    """The emulator environment reads the directory from the Référentiel des Organisations."""
    settings.CHORUS_DIRECTORY_SOURCE = {
        **settings.CHORUS_DIRECTORY_SOURCE,
        "emulator": "referentiel",
    }


@pytest.fixture(params=["referentiel", "structures"])
def directory_source(request, settings):
    """Each directory source in turn."""
    settings.CHORUS_DIRECTORY_SOURCE = {
        **settings.CHORUS_DIRECTORY_SOURCE,
        "emulator": request.param,
    }
    return request.param


@pytest.fixture
def structures_api_off(demo_world):
    """The emulator answers every Structures API call as PISTE answers an unknown path."""
    demo_world.configure(structuresApiOff=True)
    return demo_world
