"""The directory side of Transverses, raw: active structures, recipients (searched or
downloaded as a ZIP) and the INSEE data of a SIRET (contract §3.7, §3.8, §3.10, §3.13)."""

import base64
import csv
import io
import zipfile

import pytest

from tests.chorus_emulator.conftest import (
    COMMUNE,
    COMMUNE_ID,
    DISSOLVED,
    LYCEE_ID,
    SUPPLIER,
    SUPPLIER_ID,
)


@pytest.mark.parametrize(
    ("space", "expected"),
    [("fournisseur", [LYCEE_ID]), ("destinataire", [LYCEE_ID]), ("facturetravaux", [])],
)
def test_active_structures_are_the_caller_s(lycee, space, expected):
    payload = lycee.ok(f"transverses/v1/recuperer/structures/actives/{space}", {})

    assert [s["idStructureCPP"] for s in payload["listeStructures"]] == expected
    for structure in payload["listeStructures"]:
        assert set(structure) == {"idStructureCPP", "identifiant", "designationStructure"}


def test_a_supplier_has_no_recipient_structure(supplier):
    assert (
        supplier.ok("transverses/v1/recuperer/structures/actives/destinataire", {})[
            "listeStructures"
        ]
        == []
    )
    assert [
        s["identifiant"]
        for s in supplier.ok("transverses/v1/recuperer/structures/actives/facturetravaux", {})[
            "listeStructures"
        ]
    ] == [SUPPLIER]


def test_recipients_are_found_by_siret_or_by_name_city_or_postcode(supplier):
    def found(**body):
        return supplier.ok("transverses/v1/rechercher/destinataire", body)

    by_siret = found(identifiant=COMMUNE)
    assert by_siret["listeDestinataires"] == [
        {
            "idStructureCPP": COMMUNE_ID,
            "siret": COMMUNE,
            "nomDestinataire": "Commune de Villeneuve",
            "adresseCodePostal": by_siret["listeDestinataires"][0]["adresseCodePostal"],
            "adresseVille": by_siret["listeDestinataires"][0]["adresseVille"],
        }
    ]
    assert [d["siret"] for d in found(nomVilleCodePostal="rennes")["listeDestinataires"]] == [
        "19350936100013"
    ]
    assert [d["siret"] for d in found(nomVilleCodePostal="35000")["listeDestinataires"]] == [
        "19350936100013"
    ]
    # Private structures and inactive ones are nobody's recipient.
    assert found(identifiant=SUPPLIER)["listeDestinataires"] == []
    assert found(identifiant=DISSOLVED)["listeDestinataires"] == []


def test_recipient_searches_are_paged(supplier):
    first = supplier.ok(
        "transverses/v1/rechercher/destinataire", {"parametresRecherche": {"nbResultatsParPage": 2}}
    )

    assert len(first["listeDestinataires"]) == 2
    assert first["parametresRetour"]["total"] == 6  # the active public structures
    assert first["parametresRetour"]["pages"] == 3


def test_the_insee_data_of_a_siret(supplier):
    payload = supplier.ok("transverses/v1/consulter/information/siret", {"siretStructure": COMMUNE})

    assert (payload["siret"], payload["siren"]) == (COMMUNE, COMMUNE[:9])
    assert payload["raisonSociale"] == "Commune de Villeneuve"
    assert payload["estActif"] is True
    dissolved = supplier.ok(
        "transverses/v1/consulter/information/siret", {"siretStructure": DISSOLVED}
    )
    assert dissolved["estActif"] is False


@pytest.mark.parametrize(
    ("siret", "code"), [("99999999999999", 20020), ("1234", 20017), ("DE811569869", 20017)]
)
def test_an_unknown_or_malformed_siret_is_refused(supplier, siret, code):
    payload = supplier.call("transverses/v1/consulter/information/siret", {"siretStructure": siret})

    assert payload["codeRetour"] == code and "None" not in payload["libelle"]


def directory(caller) -> list[dict]:
    payload = caller.ok("transverses/v1/telecharger/annuaire/destinataire", {})
    assert payload["libelle"] == "GCU_MSG_01_000"
    assert payload["fichierResultat"].startswith("UEsDB")  # a ZIP, as GO's sample
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(payload["fichierResultat"])))
    assert archive.namelist() == ["annuaire_destinataires.csv"]
    text = archive.read("annuaire_destinataires.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_recipient_directory_is_a_zip_of_every_public_structure_and_service(supplier):
    rows = directory(supplier)

    commune = [row for row in rows if row["identifiantStructure"] == COMMUNE]
    assert {row["codeService"] for row in commune} == {
        "FACTURES_PUBLIQUES",
        "SERV_TECH",
        "SERV_CULTURE",
        "SERV_ANCIEN",
    }
    assert {row["codeServiceDoitEtreRenseigne"] for row in commune} == {"true"}
    culture = next(row for row in commune if row["codeService"] == "SERV_CULTURE")
    assert culture["numeroEngagement"] == "true"
    assert (
        next(row for row in commune if row["codeService"] == "SERV_ANCIEN")["estActif"] == "false"
    )
    assert {row["statut"] for row in rows if row["identifiantStructure"] == DISSOLVED} == {
        "INACTIVE"
    }
    assert SUPPLIER not in {row["identifiantStructure"] for row in rows}


def test_the_directory_is_the_same_file_for_every_caller(supplier, lycee):
    first = supplier.ok("transverses/v1/telecharger/annuaire/destinataire", {})
    second = lycee.ok("transverses/v1/telecharger/annuaire/destinataire", {})

    assert first["fichierResultat"] == second["fichierResultat"]


def test_bank_accounts_are_only_the_caller_s(supplier, lycee):
    own = supplier.ok("transverses/v1/recuperer/coordbanc/valides", {"idStructure": SUPPLIER_ID})

    assert [b["nomCoordonneeBancaire"] for b in own["listeCoordonneeBancaire"]] == [
        "Compte courant BNP",
        "Compte affacturage",
    ]
    assert (own["pageCourante"], own["total"]) == (1, 2)
    assert (
        lycee.call("transverses/v1/recuperer/coordbanc/valides", {"idStructure": SUPPLIER_ID})[
            "codeRetour"
        ]
        == 20020
    )
