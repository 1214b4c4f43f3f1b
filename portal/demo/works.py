"""The works contract of the demo world (docs/emulator-world.md, "The works contract"): its
contractor, project manager (MOE) and project owner (MOA), their accounts and portal logins.
Safe to load twice."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from invoices.models import WorksContract, WorksSubcontract
from structures.models import ChorusConnection, Membership, Structure

# siret, name, chorus id, city, VAT number, street, postal code
CONTRACTOR = (
    "53217846400014",
    "BTP Construction SAS",
    26000004,
    "Nantes",
    "FR85532178464",
    "8 quai de la Fosse",
    "44000",
)
PROJECT_MANAGER = (
    "79812345100014",
    "Durand Architectes Ingénierie SARL",
    26000005,
    "Rennes",
    "FR55798123451",
    "3 rue de la Monnaie",
    "35000",
)
SUBCONTRACTOR = (
    "81456230200012",
    "Électricité Martin SARL",
    26000006,
    "Vitré",
    "FR62814562302",
    "5 rue des Forges",
    "35500",
)
OWNER_SIRET = "21750001600019"  # Commune de Villeneuve, loaded by world.py
WORKS_CONNECTIONS = {
    "53217846400014": ("TECH_1_53217846400014@cpro.fr", "Demo-BTP-2026"),
    "79812345100014": ("TECH_1_79812345100014@cpro.fr", "Demo-MaitriseOeuvre-2026"),
    "81456230200012": ("TECH_1_81456230200012@cpro.fr", "Demo-SousTraitant-2026"),
}
# The project owner's login is the Commune's own (`commune`, world.py): it validates the works
# statements in its recipient space, then pays them from its inbox.
WORKS_USERS = [
    # username, first name, last name, [(siret, role)]
    ("entreprise", "Marc", "Lefèvre", [("53217846400014", "supplier_agent")]),
    ("moe", "Inès", "Durand", [("79812345100014", "project_manager")]),
    ("soustraitant", "Hugo", "Martin", [("81456230200012", "supplier_agent")]),
]
WORKS_LOGINS = [
    ("entreprise", "works contractor (titulaire), BTP Construction SAS: its monthly statements"),
    ("moe", "project manager (MOE), Durand Architectes: the works statements to take into account"),
    (
        "soustraitant",
        "subcontractor paid directly (lot 8), Électricité Martin: its statements go to the "
        "contractor for validation first",
    ),
]


def demo_works_load(make_user) -> WorksContract:
    """The two private parties, their connections and users, and contract MT-2026-014."""
    structures = {}
    for siret, name, chorus_id, city, vat_number, street, postal_code in (
        CONTRACTOR,
        PROJECT_MANAGER,
        SUBCONTRACTOR,
    ):
        structures[siret], _ = Structure.objects.update_or_create(
            siret=siret,
            defaults={
                "name": name,
                "kind": Structure.Kind.PRIVATE,
                "chorus_id": chorus_id,
                "city": city,
                "vat_number": vat_number,
                "address_line": street,
                "postal_code": postal_code,
                "is_active": True,
            },
        )
    owner = Structure.objects.get(siret=OWNER_SIRET)
    structures[OWNER_SIRET] = owner
    today = timezone.localdate()
    for siret, (login, password) in WORKS_CONNECTIONS.items():
        connection = ChorusConnection.objects.filter(structure=structures[siret]).first()
        connection = connection or ChorusConnection(structure=structures[siret])
        connection.environment = ChorusConnection.Environment.EMULATOR
        connection.login = login
        connection.set_password(password)
        connection.password_expires_on = today + timedelta(days=300)
        connection.save()
    for username, first_name, last_name, roles in WORKS_USERS:
        user = make_user(username, first_name, last_name)
        for siret, role in roles:
            Membership.objects.get_or_create(user=user, structure=structures[siret], role=role)
    contract, _ = WorksContract.objects.update_or_create(
        number="MT-2026-014",
        defaults={
            "title": "Réhabilitation du groupe scolaire Jules Ferry",
            "notified_on": date(2026, 1, 12),
            "amount_excl_tax": Decimal("1850000.00"),
            "vat_rate": Decimal("20.00"),
            "commitment_number": "EJ-TRX-2026-014",
            "owner": owner,
            "owner_service": owner.services.filter(code="SERV_TECH").first(),
            "project_manager": structures[PROJECT_MANAGER[0]],
            "project_manager_service_code": "DIR_TRAVAUX",
            "contractor": structures[CONTRACTOR[0]],
            "retention_rate": Decimal("5.00"),
            "advance_excl_tax": Decimal("92500.00"),
            "advance_repaid_from": Decimal("65.00"),
            "advance_repaid_until": Decimal("80.00"),
            "payment_days": 30,
        },
    )
    WorksSubcontract.objects.update_or_create(
        contract=contract,
        subcontractor=structures[SUBCONTRACTOR[0]],
        defaults={
            "lot": "Lot 8 - Électricité courants forts",
            "amount_excl_tax": Decimal("142000.00"),
            "validator": structures[CONTRACTOR[0]],
        },
    )
    return contract
