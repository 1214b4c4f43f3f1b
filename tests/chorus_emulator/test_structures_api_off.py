"""The Structures API decommissioned (contract-works-and-new-apis §2.4): switched off through
the admin API, every /cpro/structures/v1 call gets PISTE's answer for an unknown path, while the
Référentiel des Organisations serves the same world; a reset switches it on again."""

from tests.chorus_emulator.conftest import COMMUNE


def test_switched_off_the_structures_api_is_an_unknown_path(emulator, lycee):
    assert emulator.configure(structuresApiOff=True)["structuresApiOff"] is True

    for operation in (
        "structures/v1/rechercher",
        "structures/v1/consulter",
        "structures/v1/rechercher/services",
    ):
        response = lycee.post(operation, {})
        assert response.status_code == 403
        assert response.json()["error_description"].endswith(f"/cpro/{operation}")

    structure = lycee.rest("GET", f"organisations/v1/structures/{COMMUNE}")
    assert structure.status_code == 200
    assert structure.json()["identifiant"] == COMMUNE
    assert lycee.post("transverses/v1/recuperer/tauxtva", {}).json()["codeRetour"] == 0


def test_a_reset_switches_it_on_again(emulator, lycee):
    emulator.configure(structuresApiOff=True)
    emulator.reset()

    response = lycee.post(
        "structures/v1/rechercher", {"structure": {"identifiantStructure": COMMUNE}}
    )
    assert response.status_code == 200
    assert response.json()["codeRetour"] == 0
