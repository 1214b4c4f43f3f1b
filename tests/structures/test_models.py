import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from structures.models import ChorusConnection, Membership, Structure, name_search_key


def test_a_siret_with_a_wrong_check_digit_is_refused(make_structure):
    structure = Structure(siret="12345678200011", name="X", kind="private")
    with pytest.raises(ValidationError) as error:
        structure.full_clean()
    assert "siret" in error.value.message_dict


def test_the_siren_is_the_start_of_the_siret(make_structure):
    assert make_structure(siret="12345678200010").siren == "123456782"


def test_the_database_refuses_a_malformed_siret(make_structure):
    structure = make_structure()
    with pytest.raises(IntegrityError):
        Structure.objects.filter(pk=structure.pk).update(siret="ABC", siren="ABC")


def test_a_user_holds_a_role_in_a_structure_once(make_structure, make_user):
    structure = make_structure()
    user = make_user((structure, Membership.Role.SUPPLIER_AGENT))
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, structure=structure, role="supplier_agent")


def test_the_technical_password_is_stored_encrypted(make_structure):
    chorus = ChorusConnection(
        structure=make_structure(), environment="emulator", login="TECH@cpro.fr"
    )
    chorus.set_password("Tr3s-Secret!")
    chorus.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT password_encrypted FROM structures_chorusconnection WHERE id = %s", [chorus.pk]
        )
        stored = cursor.fetchone()[0]
    assert "Tr3s-Secret!" not in stored
    assert ChorusConnection.objects.get(pk=chorus.pk).password() == "Tr3s-Secret!"


def test_a_password_encrypted_with_another_key_gives_a_clear_error(make_structure, settings):
    from cryptography.fernet import Fernet

    chorus = ChorusConnection(structure=make_structure(), environment="emulator", login="T@cpro.fr")
    chorus.set_password("secret")
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ValueError, match="CREDENTIALS_KEY"):
        chorus.password()


def test_an_old_key_still_decrypts_after_rotation(make_structure, settings):
    from cryptography.fernet import Fernet

    chorus = ChorusConnection(structure=make_structure(), environment="emulator", login="T@cpro.fr")
    chorus.set_password("secret")
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode(), *settings.CREDENTIALS_KEYS]
    assert chorus.password() == "secret"


def test_a_supplier_without_a_siret_is_kept_under_its_chorus_pro_identifier(db):
    from django.db import IntegrityError, transaction

    foreign = Structure.objects.create(
        siret="DE123456789", identifier_type="other", name="Werkstatt GmbH", kind="private"
    )
    assert foreign.siren == ""
    with transaction.atomic(), pytest.raises(IntegrityError):
        Structure.objects.create(siret="DE987654321", name="Not a SIRET", kind="private")


def test_a_name_is_kept_folded_for_searching(make_structure):
    structure = make_structure(name="Université de Sainte-Marie")
    assert structure.search_name == "universite de sainte marie"
    structure.name = "Lycée de l'Œuvre"
    structure.save(update_fields=["name"])
    structure.refresh_from_db()
    assert structure.search_name == "lycee de l oeuvre"
    assert name_search_key("  MINISTÈRE - mission_de   validation ") == (
        "ministere mission de validation"
    )
