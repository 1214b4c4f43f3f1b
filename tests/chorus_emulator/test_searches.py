"""Searches: scoping, filters used for polling, and 1-based pagination."""

from tests.chorus_emulator.conftest import LYCEE, SUPPLIER, submit


def seed(emulator, count, status="MISE_A_DISPOSITION", **options):
    return emulator.seed_invoices(SUPPLIER, LYCEE, count, status=status, **options)


def test_supplier_search_pages_with_parametres_retour(emulator, supplier):
    seed(emulator, 25)

    pages = [
        supplier.ok(
            "factures/v1/rechercher/fournisseur",
            {
                "rechercheFactureParFournisseur": {
                    "pageResultatDemandee": n,
                    "nbResultatsParPage": 10,
                }
            },
        )
        for n in (1, 2, 3)
    ]

    assert [len(p["listeFactures"]) for p in pages] == [10, 10, 5]
    assert pages[0]["parametresRetour"] == {
        "pageCourante": 1,
        "pages": 3,
        "nbResultatsParPage": 10,
        "total": 25,
    }
    ids = [i["identifiantFactureCPP"] for p in pages for i in p["listeFactures"]]
    assert len(set(ids)) == 25


def test_default_page_size_is_ten(emulator, supplier):
    seed(emulator, 12)

    payload = supplier.ok("factures/v1/rechercher/fournisseur", {})

    assert len(payload["listeFactures"]) == 10
    assert payload["parametresRetour"]["pages"] == 2


def test_recipient_search_pages_at_the_top_level(emulator, lycee):
    seed(emulator, 15)

    second = lycee.ok(
        "factures/v1/rechercher/recipiendaire",
        {"paramRecherche": {"pageResultatDemandee": 2, "nbResultatsParPage": 10}},
    )

    assert len(second["listeFactures"]) == 5
    assert (second["pageCourante"], second["pages"], second["total"]) == (2, 2, 15)


def test_descending_sort_reverses_the_order(emulator, supplier):
    seed(emulator, 3)

    payload = supplier.ok(
        "factures/v1/rechercher/fournisseur",
        {
            "rechercheFactureParFournisseur": {
                "triColonne": "IdentifiantFactureCPP",
                "triSens": "Descendant",
            }
        },
    )
    ids = [i["identifiantFactureCPP"] for i in payload["listeFactures"]]

    assert ids == sorted(ids, reverse=True)


def test_changed_since_polling_returns_only_later_changes(emulator, supplier, lycee):
    first = submit(supplier)["identifiantFactureCPP"]
    second = submit(supplier)["identifiantFactureCPP"]
    polled_at = emulator.advance(10)
    emulator.advance(60)
    lycee.ok("factures/v1/traiter/recue", {"idFacture": second, "nouveauStatut": "SERVICE_FAIT"})

    changed = lycee.ok(
        "factures/v1/rechercher/recipiendaire", {"periodeDateHeureEtatCourantDu": polled_at}
    )
    nothing_new = lycee.call(
        "factures/v1/rechercher/recipiendaire",
        {"periodeDateHeureEtatCourantDu": emulator.advance(1)},
    )
    everything = lycee.ok(
        "factures/v1/rechercher/recipiendaire", {"periodeDateHeureEtatCourantDu": polled_at[:10]}
    )

    assert [i["idFacture"] for i in changed["listeFactures"]] == [second]
    assert nothing_new["codeRetour"] == 20000
    assert {i["idFacture"] for i in everything["listeFactures"]} == {first, second}


def test_the_lower_bound_includes_the_exact_stamp_the_api_returned(emulator, supplier):
    submit(supplier)
    stamp = supplier.ok("factures/v1/rechercher/fournisseur", {})["listeFactures"][0][
        "dateHeureEtatCourant"
    ]

    payload = supplier.ok(
        "factures/v1/rechercher/fournisseur", {"periodeDateHeureEtatCourantDu": stamp}
    )

    assert len(payload["listeFactures"]) == 1


def test_period_filter_upper_bound_excludes_later_changes(emulator, supplier):
    submit(supplier)
    before = supplier.ok("factures/v1/rechercher/fournisseur", {})["listeFactures"][0][
        "dateHeureEtatCourant"
    ]
    emulator.advance(600)

    payload = supplier.ok(
        "factures/v1/rechercher/fournisseur", {"periodeDateHeureEtatCourantAu": before}
    )

    assert payload["listeFactures"] == []  # it moved on to EN_COURS_ACHEMINEMENT and beyond


def test_it_filters_on_status_number_and_recipient(emulator, supplier, lycee):
    seed(emulator, 3, status="SERVICE_FAIT")
    target = submit(supplier, number="FA-CIBLE")["identifiantFactureCPP"]
    emulator.advance(10)

    by_status = lycee.ok(
        "factures/v1/rechercher/recipiendaire", {"statutCourant": ["MISE_A_DISPOSITION"]}
    )
    by_number = lycee.ok("factures/v1/rechercher/recipiendaire", {"numeroFacture": "FA-CIBLE"})
    by_recipient = supplier.ok(
        "factures/v1/rechercher/fournisseur", {"listeDestinataire": [{"idDestinataire": 25000004}]}
    )
    other_recipient = lycee.call(
        "factures/v1/rechercher/recipiendaire", {"idDestinataire": 25000001}
    )

    assert [i["idFacture"] for i in by_status["listeFactures"]] == [target]
    assert [i["idFacture"] for i in by_number["listeFactures"]] == [target]
    assert by_recipient["parametresRetour"]["total"] == 4
    assert other_recipient["codeRetour"] == 20000


def test_it_filters_on_downloaded_by_recipient(emulator, supplier, lycee):
    first = submit(supplier)["identifiantFactureCPP"]
    second = submit(supplier)["identifiantFactureCPP"]
    emulator.advance(10)
    lycee.ok(
        "factures/v1/telecharger/groupe", {"listeFacture": [{"idFacture": first}], "format": "PDF"}
    )

    fresh = lycee.ok(
        "factures/v1/rechercher/recipiendaire", {"factureTelechargeeParDestinataire": False}
    )
    seen = lycee.ok(
        "factures/v1/rechercher/recipiendaire", {"factureTelechargeeParDestinataire": True}
    )

    assert [i["idFacture"] for i in fresh["listeFactures"]] == [second]
    assert [i["idFacture"] for i in seen["listeFactures"]] == [first]
    assert seen["listeFactures"][0]["factureTelechargeeParDestinataire"] is True


def test_amounts_are_json_numbers(emulator, supplier):
    submit(supplier)

    item = supplier.ok("factures/v1/rechercher/fournisseur", {})["listeFactures"][0]

    assert item["montantTTC"] == 300
    assert isinstance(item["montantHT"], int | float)
