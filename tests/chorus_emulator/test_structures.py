from tests.chorus_emulator.conftest import COMMUNE, COMMUNE_ID, OTHER_SUPPLIER, SUPPLIER


def search(caller, siret=None, **extra):
    body = {
        "structure": {"identifiantStructure": siret, "typeIdentifiantStructure": "SIRET"}
        if siret
        else {},
        **extra,
    }
    return caller.ok("structures/v1/rechercher", body)


def test_it_finds_a_public_structure_by_siret(supplier):
    payload = search(supplier, COMMUNE)

    assert payload["listeStructures"] == [
        {
            "idStructureCPP": COMMUNE_ID,
            "identifiantStructure": COMMUNE,
            "designationStructure": "Commune de Villeneuve",
            "statut": "ACTIVE",
            "typeIdentifiantStructure": "SIRET",
        }
    ]
    assert payload["parametresRetour"]["total"] == 1


def test_it_hides_other_private_structures_unless_restriction_is_lifted(supplier):
    assert search(supplier, OTHER_SUPPLIER)["listeStructures"] == []
    assert search(supplier, SUPPLIER)["listeStructures"][0]["idStructureCPP"] == 26000001

    unrestricted = search(supplier, OTHER_SUPPLIER, restreindreStructuresPrivees=False)

    assert unrestricted["listeStructures"][0]["identifiantStructure"] == OTHER_SUPPLIER


def test_it_finds_a_name_whatever_its_accents_and_case(supplier):
    payload = supplier.ok(
        "structures/v1/rechercher",
        {"structure": {"raisonSocialeStructure": "UNIVERSITE DE SAINTE"}},
    )

    assert [s["designationStructure"] for s in payload["listeStructures"]] == [
        "Université de Sainte-Marie"
    ]


def test_it_pages_structure_searches(supplier):
    first = search(supplier, parametres={"nbResultatsParPage": 2, "pageResultatDemandee": 1})
    second = search(supplier, parametres={"nbResultatsParPage": 2, "pageResultatDemandee": 2})

    assert len(first["listeStructures"]) == 2
    assert first["parametresRetour"]["pages"] == 4  # 7 public + the supplier itself
    assert {s["idStructureCPP"] for s in first["listeStructures"]}.isdisjoint(
        {s["idStructureCPP"] for s in second["listeStructures"]}
    )


def test_it_exposes_the_routing_parameters_of_a_structure(supplier):
    payload = supplier.ok(
        "structures/v1/consulter", {"idStructureCPP": 25000002, "codeLangue": "fr"}
    )

    assert payload["parametres"]["numeroEJDoitEtreRenseigne"] is True
    assert payload["parametres"]["codeServiceDoitEtreRenseigne"] is False
    assert payload["informationGenerales"]["structurePriveePublique"] == "PUBLIQUE"


def test_it_reports_the_own_technical_password_expiry_in_about_20_days(supplier):
    from datetime import datetime, timedelta

    payload = supplier.ok("structures/v1/consulter", {"idStructureCPP": 26000001})
    expiry = datetime.fromisoformat(
        payload["informationGenerales"]["dateExpirationMotPasseCompteTech"]
    )

    assert timedelta(days=19) < expiry - datetime.now(expiry.tzinfo) <= timedelta(days=20)


def test_it_refuses_to_consult_an_unknown_structure(supplier):
    payload = supplier.call("structures/v1/consulter", {"idStructureCPP": 1})

    assert payload["codeRetour"] == 20020


def test_it_lists_services_including_inactive_ones(supplier):
    payload = supplier.ok("structures/v1/rechercher/services", {"idStructure": COMMUNE_ID})

    services = {s["codeService"]: s for s in payload["listeServices"]}
    assert set(services) == {"FACTURES_PUBLIQUES", "SERV_TECH", "SERV_CULTURE", "SERV_ANCIEN"}
    assert services["SERV_ANCIEN"]["estActif"] is False
    assert payload["parametresRetour"]["total"] == 4


def test_it_tells_which_service_requires_a_commitment(supplier):
    payload = supplier.ok(
        "structures/v1/consulter/service", {"idStructure": COMMUNE_ID, "idService": 10000103}
    )

    assert payload["informationsGenerales"]["codeService"] == "SERV_CULTURE"
    assert payload["parametres"]["numeroEngagement"] is True


def test_it_finds_commitments_given_to_the_supplier(supplier):
    payload = supplier.ok(
        "engagementsJuridiques/v1/rechercher",
        {
            "structureReceptriceEngagementJuridique": "26000001",
            "numeroEngagementJuridique": "EJ-2026-0001",
            "etatCourantEngagementJuridique": "COMMANDE",
        },
    )

    assert len(payload["listeEngagementJuridique"]) == 1
    assert payload["listeEngagementJuridique"][0]["identifiantStructureEmettrice"] == (
        "13000261100015"
    )


def test_it_finds_no_commitment_for_an_unknown_number(supplier):
    payload = supplier.ok(
        "engagementsJuridiques/v1/rechercher", {"numeroEngagementJuridique": "EJ-INCONNU"}
    )

    assert payload["listeEngagementJuridique"] == []
