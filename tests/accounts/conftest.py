import pytest

from structures.models import Membership

ROLE = Membership.Role


@pytest.fixture
def people(make_structure, make_user):
    """Two companies, each with a manager; the first one also has an agent."""
    atelier = make_structure(name="Atelier Numérique SAS")
    other = make_structure(name="Autre SARL")
    return {
        "atelier": atelier,
        "other": other,
        "camille": make_user(
            (atelier, ROLE.SUPPLIER_AGENT),
            (atelier, ROLE.STRUCTURE_MANAGER),
            username="camille",
            first_name="Camille",
            last_name="Martin",
        ),
        "julien": make_user(
            (atelier, ROLE.SUPPLIER_AGENT),
            username="julien",
            first_name="Julien",
            last_name="Petit",
        ),
        "olivia": make_user((other, ROLE.STRUCTURE_MANAGER), username="olivia"),
    }
