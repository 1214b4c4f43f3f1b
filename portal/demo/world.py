"""Demo data matching the emulator's world (docs/emulator-world.md). Safe to load twice."""

from base64 import b32decode
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo.facturation_pro import demo_facturation_pro_load
from portal.demo.works import WORKS_LOGINS, demo_works_load
from structures.models import ChorusConnection, Membership, Service, Structure

DEMO_PASSWORD = "demo-portail-2026"  # noqa: S105 - published demo logins, emulator only


# The demo users who must log in with a second factor (managers, support) have an authenticator
# set up with these published keys: add one to an app, or print its current code with
# `manage.py demo_totp <login>`.
DEMO_TOTP_SECRETS = {
    "fournisseur": "DEMOFOURNISSEUR2",
    "commune": "DEMOCOMMUNEPORTA",
    "etat": "DEMOETATPORTAIL2",
    "support": "DEMOSUPPORTPORTA",
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    description: str

    @property
    def totp_secret(self) -> str:
        return DEMO_TOTP_SECRETS.get(self.username, "")


ADDRESSES = {
    # siret: (VAT number, street, postal code); the city is in STRUCTURES
    "12345678200010": ("FR11123456782", "12 rue des Artisans", "69002"),
    "21750001600019": ("FR72217500016", "1 place de la Mairie", "35000"),
    "13000261100015": ("FR42130002611", "4 avenue de la République", "35000"),
    "11000201100010": ("FR17110002011", "139 rue de Bercy", "75012"),
    "17590001800011": ("FR84175900018", "20 rue Saint-Jacques", "59000"),
}
STRUCTURES = [
    # siret, name, kind, chorus id, routing (service, commitment, either), city
    ("12345678200010", "Atelier Numérique SAS", "private", 26000001, (False, False, False), "Lyon"),
    (
        "21750001600019",
        "Commune de Villeneuve",
        "public",
        25000001,
        (True, False, False),
        "Villeneuve",
    ),
    (
        "13000261100015",
        "Direction régionale des finances publiques",
        "public",
        25000002,
        (False, True, False),
        "Rennes",
    ),
    (
        "11000201100010",
        "Ministère - mission de validation",
        "public",
        25000006,
        (False, False, False),
        "Paris",
    ),
    # The second-level validator of the Université's invoices with a validator (A9, A12).
    (
        "17590001800011",
        "Rectorat - contrôle de second niveau",
        "public",
        25000007,
        (False, False, False),
        "Lille",
    ),
]
PUBLIC_CATEGORIES = {
    "21750001600019": "local",
    "13000261100015": "state",
    "11000201100010": "state",
    "17590001800011": "state",
}
SERVICES = {
    "21750001600019": [
        ("FACTURES_PUBLIQUES", "Factures publiques", True, False),
        ("SERV_TECH", "Services techniques", True, False),
        ("SERV_CULTURE", "Culture et patrimoine", True, True),
        ("SERV_ANCIEN", "Ancien service", False, False),
    ],
    "13000261100015": [
        ("FACTURES_PUBLIQUES", "Factures publiques", True, False),
        ("SERV_ACHATS", "Service des achats", True, False),
    ],
    "11000201100010": [("FACTURES_PUBLIQUES", "Factures publiques", True, False)],
    "17590001800011": [
        ("FACTURES_PUBLIQUES", "Factures publiques", True, False),
        ("CONTROLE", "Contrôle des factures validées", True, False),
    ],
}
CONNECTIONS = {
    # Emulator technical accounts; the supplier's password expires soon so the warning shows.
    "12345678200010": ("TECH_1_12345678200010@cpro.fr", "Demo-Fournisseur-2026", 20),
    "21750001600019": ("TECH_1_21750001600019@cpro.fr", "Demo-Commune-2026", 300),
    "13000261100015": ("TECH_1_13000261100015@cpro.fr", "Demo-Etat-2026", 300),
    "11000201100010": ("TECH_1_11000201100010@cpro.fr", "Demo-Valideur-2026", 300),
    "17590001800011": ("TECH_1_17590001800011@cpro.fr", "Demo-Rectorat-2026", 300),
}
USERS = [
    # username, first name, last name, [(siret, role)]
    (
        "fournisseur",
        "Camille",
        "Martin",
        [("12345678200010", "supplier_agent"), ("12345678200010", "structure_manager")],
    ),
    ("fournisseur2", "Julien", "Petit", [("12345678200010", "supplier_agent")]),
    (
        "commune",
        "Claire",
        "Durand",
        [
            ("21750001600019", "recipient_agent"),
            ("21750001600019", "structure_manager"),
            ("13000261100015", "recipient_agent"),
        ],
    ),
    (
        "etat",
        "Paul",
        "Bernard",
        [("13000261100015", "recipient_agent"), ("13000261100015", "structure_manager")],
    ),
    ("valideur", "Sophie", "Leroy", [("11000201100010", "validator")]),
    ("rectorat", "Hélène", "Fontaine", [("17590001800011", "validator")]),
]
LOGINS = [
    DemoLogin("fournisseur", "supplier agent and manager, Atelier Numérique SAS"),
    DemoLogin("fournisseur2", "supplier agent, Atelier Numérique SAS"),
    DemoLogin("commune", "recipient, Commune de Villeneuve and Direction régionale"),
    DemoLogin("etat", "recipient and manager, Direction régionale des finances publiques"),
    DemoLogin("valideur", "validator, Ministère - mission de validation"),
    DemoLogin("rectorat", "second-level validator, Rectorat (the Université's invoices)"),
    DemoLogin("support", "support staff, back-office"),
]


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Create or refresh the demo structures, users and Chorus Pro connections."""
    structures = {}
    for siret, name, kind, chorus_id, routing, city in STRUCTURES:
        vat_number, street, postal_code = ADDRESSES[siret]
        structures[siret], _ = Structure.objects.update_or_create(
            siret=siret,
            defaults={
                "name": name,
                "kind": kind,
                "chorus_id": chorus_id,
                "service_code_required": routing[0],
                "commitment_required": routing[1],
                "service_or_commitment_required": routing[2],
                "city": city,
                "vat_number": vat_number,
                "address_line": street,
                "postal_code": postal_code,
                "is_active": True,
                "public_category": PUBLIC_CATEGORIES.get(siret, ""),
            },
        )
    for siret, services in SERVICES.items():
        for code, label, active, commitment in services:
            Service.objects.update_or_create(
                structure=structures[siret],
                code=code,
                defaults={"label": label, "is_active": active, "commitment_required": commitment},
            )
    today = timezone.localdate()
    for siret, (login, password, expires_in_days) in CONNECTIONS.items():
        connection = ChorusConnection.objects.filter(structure=structures[siret]).first()
        connection = connection or ChorusConnection(structure=structures[siret])
        connection.environment = ChorusConnection.Environment.EMULATOR
        connection.login = login
        connection.set_password(password)
        connection.password_expires_on = today + timedelta(days=expires_in_days)
        connection.save()
    for username, first_name, last_name, roles in USERS:
        user = _demo_user(username, first_name, last_name)
        for siret, role in roles:
            Membership.objects.get_or_create(user=user, structure=structures[siret], role=role)
    support = _demo_user("support", "Support", "Portail")
    support.is_staff = True
    support.save()
    support.groups.add(_support_group())
    for username, secret in DEMO_TOTP_SECRETS.items():
        _demo_authenticator(User.objects.get(username=username), secret)
    demo_facturation_pro_load()
    demo_works_load(_demo_user)
    return LOGINS + [DemoLogin(username, text) for username, text in WORKS_LOGINS]


def _demo_authenticator(user: User, secret: str) -> None:
    """The published demo key, unless the user has set up an authenticator of their own."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return
    TOTPDevice.objects.create(user=user, name="demo", confirmed=True, key=b32decode(secret).hex())


def _demo_user(username: str, first_name: str, last_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@demo.portail.test",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _support_group() -> Group:
    group, _ = Group.objects.get_or_create(name="Support")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=[
                "invoices",
                "structures",
                "accounts",
                "facturation_pro",
                "support",
                "reference_lists",
                "api",
                "webhooks",
            ]
        ).exclude(codename__startswith="delete_")
    )
    return group
