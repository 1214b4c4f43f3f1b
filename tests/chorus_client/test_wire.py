"""Offline tests of the JSON encoding and strict answer parsing."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chorus_client import ChorusProtocolError, InvoiceStatus
from chorus_client.invoice_parsing import invoice_details, invoice_history
from chorus_client.paging import read_page
from chorus_client.transverses import Transverses
from chorus_client.wire import CHORUS_TZ, Reader, dumps, format_period_bound, loads


def reader(data):
    return Reader(data, operation="test/v1/op")


def test_it_writes_decimals_as_exact_json_numbers():
    text = dumps({"montant": Decimal("1406.272"), "big": Decimal("12345678901234567890.123456")})
    assert text == '{"montant":1406.272,"big":12345678901234567890.123456}'


def test_it_writes_decimal_exponents_in_fixed_notation():
    assert dumps([Decimal("1E+2"), Decimal("0.10")]) == "[100,0.10]"


def test_it_refuses_floats_in_payloads():
    with pytest.raises(TypeError):
        dumps({"montant": 0.1})


def test_it_reads_json_numbers_as_decimals_without_float_rounding():
    data = loads(b'{"a": 0.1, "b": 130.272000001, "c": 3}')
    assert data == {"a": Decimal("0.1"), "b": Decimal("130.272000001"), "c": 3}
    assert isinstance(data["a"], Decimal)


def test_it_accepts_a_bare_object_where_a_list_is_expected():
    answer = reader({"listeFactures": {"idFacture": 7}, "vide": None, "deux": [{}, {}]})
    assert [item.integer("idFacture") for item in answer.items("listeFactures")] == [7]
    assert answer.items("vide") == []
    assert answer.items("absent") == []
    assert len(answer.items("deux")) == 2


def test_it_reads_a_one_element_history_sent_as_an_object():
    history = invoice_history(reader({
        "codeRetour": 0, "libelle": "GCU_MSG_01_000", "idFacture": 2194673,
        "numeroFacture": "FAC19-2512", "modeDepot": "DEPOT_PDF_API",
        "statutCourantCode": "DEPOSEE",
        "historiquesDesStatuts": {"histoStatut": {
            "histoStatutId": 8548152, "histoStatutCode": "DEPOSEE",
            "histoStatutDatePassage": "2018-04-19 11:08"}},
    }))
    assert [change.status for change in history.statuses] == [InvoiceStatus.DEPOSEE]
    assert history.statuses[0].changed_at == datetime(2018, 4, 19, 11, 8, tzinfo=CHORUS_TZ)


def test_it_reads_a_detailed_flow_report_whose_error_list_is_an_object():
    # The official COMM sample prints listeErreurDP as an object (contract §3.12).
    class FakeTransport:
        def call(self, operation, body=None, **kwargs):
            return {"codeRetour": 0, "libelle": "TRA_MSG_00.000",
                    "codeInterfaceDepotFlux": "FSO1110A",
                    "dateDepotFlux": "2018-02-16T15:10:25.536+01:00",
                    "etatCourantDepotFlux": "IN_INTEGRE_PARTIEL",
                    "nomFichier": "FSO1110A_CPP001_CPP0011110000000000001557",
                    "listeErreurDP": {"numeroDP": "F1110_NBO050740100",
                                      "libelleErreurDP": "Fournisseur inconnu"}}

    report = Transverses(FakeTransport()).detailed_flow_report("CPP0011110000000000001557")
    assert report.status == "IN_INTEGRE_PARTIEL"
    assert [error.invoice_number for error in report.invoice_errors] == ["F1110_NBO050740100"]
    assert report.deposited_at == datetime(2018, 2, 16, 14, 10, 25, 536000, tzinfo=UTC)


def test_it_names_the_missing_required_field_in_a_protocol_error():
    with pytest.raises(ChorusProtocolError) as caught:
        invoice_history(reader({"idFacture": 1, "historiquesDesStatuts": {"histoStatut": [
            {"histoStatutCode": "DEPOSEE", "histoStatutDatePassage": "2018-04-19 11:08"}]}}))
    assert "statutCourantCode" in str(caught.value)
    assert caught.value.operation == "test/v1/op"

    with pytest.raises(ChorusProtocolError, match=r"histoStatut\[0\]\.histoStatutDatePassage"):
        invoice_history(reader({"idFacture": 1, "statutCourantCode": "DEPOSEE",
                                "historiquesDesStatuts": {"histoStatut": [
                                    {"histoStatutCode": "DEPOSEE"}]}}))


def test_it_refuses_an_unknown_status_code():
    with pytest.raises(ChorusProtocolError, match="InvoiceStatus"):
        reader({"statut": "PAYEE_PEUT_ETRE"}).enum("statut", InvoiceStatus)


def test_it_parses_the_three_date_formats_of_the_contract():
    answer = reader({"d": "2026-03-18", "h": "2018-04-19 11:08",
                     "iso": "2019-07-11T15:45:39.674+02:00", "dt": "2024-10-08T11:30:23.463Z"})
    assert answer.day("d") == date(2026, 3, 18)
    assert answer.day("dt") == date(2024, 10, 8)
    assert answer.moment("iso").utcoffset() == timedelta(hours=2)
    assert answer.moment("iso").microsecond == 674000
    assert answer.moment("h").tzinfo is CHORUS_TZ


def test_it_formats_period_bounds_in_paris_time():
    assert format_period_bound(date(2026, 1, 2)) == "2026-01-02"
    assert format_period_bound(datetime(2026, 1, 2, 9, 0, tzinfo=UTC)) == "2026-01-02T10:00:00"
    assert format_period_bound(datetime(2026, 7, 2, 9, 0)) == "2026-07-02T09:00:00"


def test_it_accepts_the_consultation_with_or_without_the_facture_wrapper():
    invoice = {"identifiantFactureCPP": 42, "numeroFacture": "F-1", "statutFacture": "DEPOSEE",
               "montantTotal": {"montantHtTotal": Decimal("100.10"), "montantTVA": 20,
                                "montantTtcTotal": "120.12", "montantAPayer": Decimal("120.12")},
               "listeDesPiecesJointes": {"pieceJointe": {"pieceJointeId": 5}}}
    wrapped = invoice_details(reader({"codeRetour": 0, "facture": invoice}))
    bare = invoice_details(reader({"codeRetour": 0, **invoice}))
    assert wrapped == bare
    assert wrapped.totals is not None
    assert wrapped.totals.total_excl_tax == Decimal("100.10")
    assert wrapped.totals.total_vat == Decimal(20)
    assert wrapped.totals.total_incl_tax == Decimal("120.12")
    assert [a.attachment_id for a in wrapped.attachments] == [5]


def test_it_refuses_a_non_empty_page_without_pagination_fields():
    with pytest.raises(ChorusProtocolError, match="pagination"):
        read_page(reader({"listeFactures": [{"x": 1}]}), "listeFactures", lambda item: item)
