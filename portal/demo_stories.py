"""The demo's four months of invoicing, told as stories (played by portal/demo_history.py).

Each story is one invoice's life: who drafted and sent it (a portal user through the editor, a
supplier outside the portal straight through Chorus Pro, or a file deposited in a flow), then each
decision on it, dated in business days before today. Everyone acts as a user would; the dates
make a coherent first screen for each demo login: paid, suspended, rejected, re-routed, validated
and refused invoices, invoices to treat and to validate, a flow partly integrated, drafts.
"""

from dataclasses import dataclass, field

ATELIER = "12345678200010"  # Atelier Numérique SAS, the portal's supplier
BUREAU = "44306184100013"  # Bureau Fournitures SARL, a supplier outside the portal
WERKSTATT = "DE811569869"  # Werkstatt Berlin GmbH, a foreign supplier outside the portal
COMMUNE = "21750001600019"  # service code required
DRFIP = "13000261100015"  # commitment required
UNIVERSITE = "18004100600016"  # outside the portal: treats invoices in Chorus Pro itself
LYCEE = "19350936100013"  # outside the portal too
MINISTERE = "11000201100010"  # validator of A9 / A12 invoices

# Invoice numbers: each supplier's own sequence, in the order its invoices were issued.
NUMBERING = {ATELIER: ("AN-{year}-", 412), BUREAU: ("BF{year}-", 1187), WERKSTATT: ("WB-", 3031)}
CREDIT_NOTE_NUMBERING = ("AV-{year}-", 17)


@dataclass(frozen=True)
class When:
    """``days`` business days before today at ``time`` (Paris), or ``minutes`` ago today."""

    days: int = 0
    time: str = ""
    minutes: int = 0


def day(days: int, time: str) -> When:
    return When(days=days, time=time)


def minutes_ago(minutes: int) -> When:
    return When(minutes=minutes)


@dataclass(frozen=True)
class Line:
    description: str
    quantity: str
    unit: str
    price: str
    vat: str = "20"


@dataclass(frozen=True)
class Draft:
    """What a supplier types in the editor (or its own software puts in a file)."""

    recipient: str
    lines: tuple[Line, ...]
    supplier: str = ATELIER
    service: str = ""
    commitment: str = ""
    framework: str = "A1"
    validator: str = ""
    comment: str = ""
    numbered: bool = True  # False: a draft still being typed, without a number yet


# --- steps -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Send:
    """A portal user drafts the story's invoice in the editor and sends it."""

    by: str


@dataclass(frozen=True)
class SaveDraft:
    """A portal user drafts the story's invoice and leaves it in draft."""

    by: str


@dataclass(frozen=True)
class SendOutside:
    """The story's supplier, not a portal user, submits the invoice straight to Chorus Pro."""


@dataclass(frozen=True)
class Deposit:
    """A portal user deposits the invoices of ``stories`` as files from their own software."""

    by: str
    stories: tuple[str, ...]


@dataclass(frozen=True)
class Treat:
    """The recipient sets a status: a portal user, or the structure itself in Chorus Pro when
    ``by`` is a SIRET (a public entity outside the portal)."""

    by: str
    status: str
    motive: str = ""
    mandate: str = ""


@dataclass(frozen=True)
class Validate:
    by: str
    comment: str = ""


@dataclass(frozen=True)
class Refuse:
    by: str
    reason: str
    comment: str = ""


@dataclass(frozen=True)
class Complete:
    """The supplier answers a suspension: a portal user with a document, or the supplier outside
    the portal in Chorus Pro (``by`` a SIRET)."""

    by: str
    comment: str
    document: str = ""


@dataclass(frozen=True)
class Recycle:
    by: str
    service: str
    commitment: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Correct:
    """Acknowledge the rejection and send the corrected invoice, line 1 at ``price``."""

    by: str
    price: str
    comment: str


@dataclass(frozen=True)
class CreditNote:
    """Issue the story's invoice (a credit note of ``of``) from the original invoice's page."""

    by: str
    of: str


@dataclass(frozen=True)
class Story:
    key: str
    draft: Draft | None
    steps: tuple[tuple[When, object], ...] = field(default=())


M = "MISE_EN_PAIEMENT"
FAIT = "SERVICE_FAIT"

STORIES = (
    Story(
        "commune-maintenance-aout",
        Draft(
            COMMUNE,
            (
                Line("Maintenance préventive du parc informatique – août", "1", "MON", "1250.00"),
                Line("Interventions sur site", "6", "HUR", "65.00"),
            ),
            service="SERV_TECH",
        ),
        (
            (day(82, "09:10"), Send("fournisseur")),
            (day(81, "10:05"), Treat("commune", FAIT)),
            (day(75, "14:20"), Treat("commune", "MANDATEE", mandate="M-2026-0841")),
            (day(71, "11:00"), Treat("commune", M)),
        ),
    ),
    Story(
        "drfip-maintenance-t3",
        Draft(
            DRFIP,
            (
                Line("Maintenance trimestrielle des serveurs – 3e trimestre", "1", "LS", "2400.00"),
                Line("Remplacement de disques SSD 1 To", "4", "H87", "129.00"),
            ),
            commitment="EJ-2026-0001",
        ),
        (
            (day(78, "15:30"), Send("fournisseur2")),
            (day(76, "09:40"), Treat("etat", FAIT)),
            (day(72, "16:10"), Treat("etat", "MANDATEE", mandate="M-DRFIP-2026-1207")),
            (day(68, "10:00"), Treat("etat", "MISE_A_DISPOSITION_COMPTABLE")),
            (day(66, "11:30"), Treat("etat", "COMPTABILISEE")),
            (day(63, "09:00"), Treat("etat", M)),
        ),
    ),
    Story(
        "bureau-fournitures-aout",
        Draft(
            COMMUNE,
            (
                Line("Ramettes de papier A4 recyclé (carton de 5)", "40", "H87", "21.90"),
                Line("Cartouches de toner noir", "12", "H87", "48.50"),
            ),
            supplier=BUREAU,
            service="SERV_TECH",
        ),
        (
            (day(77, "08:45"), SendOutside()),
            (day(74, "14:00"), Treat("commune", FAIT)),
            (day(70, "10:30"), Treat("commune", "MANDATEE", mandate="M-2026-0877")),
            (day(66, "15:00"), Treat("commune", M)),
        ),
    ),
    Story(
        "universite-licences",
        Draft(
            UNIVERSITE,
            (
                Line("Licences de logiciel d'analyse statistique, 1 an", "10", "H87", "189.00"),
                Line("Installation et paramétrage", "1", "DAY", "650.00"),
            ),
            service="SERV_RECHERCHE",
        ),
        (
            (day(73, "11:15"), Send("fournisseur2")),
            (day(69, "09:30"), Treat(UNIVERSITE, FAIT)),
            (day(58, "10:00"), Treat(UNIVERSITE, M)),
        ),
    ),
    Story(
        "commune-archives-lot1",
        Draft(
            COMMUNE,
            (
                Line(
                    "Numérisation des registres d'état civil 1870-1920 (pages)",
                    "2400",
                    "C62",
                    "0.85",
                ),
                Line("Indexation et contrôle qualité", "1.5", "DAY", "420.00"),
            ),
            service="SERV_CULTURE",
            commitment="EJ-CULT-0007",
        ),
        (
            (day(65, "10:20"), Send("fournisseur")),
            (
                day(63, "15:45"),
                Treat(
                    "commune",
                    "SUSPENDUE",
                    motive="Merci de joindre le procès-verbal de réception signé par le service "
                    "Culture et patrimoine.",
                ),
            ),
            (
                day(62, "09:05"),
                Complete(
                    "fournisseur",
                    "Procès-verbal de réception signé joint.",
                    document="PV_reception_archives_lot1.pdf",
                ),
            ),
            (day(59, "11:00"), Treat("commune", FAIT)),
            (day(54, "14:30"), Treat("commune", "MANDATEE", mandate="M-2026-0963")),
            (day(50, "10:00"), Treat("commune", M)),
        ),
    ),
    Story(
        "drfip-outil-acompte",
        Draft(
            DRFIP,
            (
                Line(
                    "Développement de l'outil de suivi des demandes – acompte de 50 %",
                    "1",
                    "LS",
                    "2600.00",
                ),
            ),
            commitment="EJ-2026-0002",
        ),
        (
            (day(57, "16:00"), Send("fournisseur")),
            (
                day(55, "10:30"),
                Treat(
                    "etat",
                    "REJETEE",
                    motive="Le montant de l'acompte dépasse les 50 % prévus au bon de commande "
                    "EJ-2026-0002 (2 400,00 € HT).",
                ),
            ),
            (
                day(54, "09:15"),
                Correct(
                    "fournisseur",
                    price="2400.00",
                    comment="Annule et remplace la facture rejetée : acompte ramené à 50 % du "
                    "bon de commande.",
                ),
            ),
            (day(51, "10:45"), Treat("etat", FAIT)),
            (day(46, "15:20"), Treat("etat", "MANDATEE", mandate="M-DRFIP-2026-1388")),
        ),
    ),
    Story(
        "werkstatt-meuble-archives",
        Draft(
            COMMUNE,
            (
                Line(
                    "Restauration d'un meuble à tiroirs d'archives (XIXe siècle)",
                    "1",
                    "LS",
                    "780.00",
                ),
            ),
            supplier=WERKSTATT,
            service="SERV_CULTURE",
            commitment="EJ-CULT-0007",
        ),
        (
            (day(47, "13:00"), SendOutside()),
            (
                day(45, "10:10"),
                Treat(
                    "commune",
                    "SUSPENDUE",
                    motive="Merci d'indiquer sur la facture le numéro de TVA intracommunautaire "
                    "de la commune.",
                ),
            ),
            (day(43, "08:30"), Complete(WERKSTATT, "Numéro de TVA de la commune ajouté.")),
            (day(41, "14:00"), Treat("commune", FAIT)),
            (day(36, "11:00"), Treat("commune", "MANDATEE", mandate="M-2026-1032")),
            (day(31, "09:30"), Treat("commune", M)),
        ),
    ),
    Story(
        "commune-cablage-mediatheque",
        Draft(
            COMMUNE,
            (
                Line("Sous-traitance : câblage réseau de la médiathèque", "1", "LS", "3150.00"),
                Line("Baies de brassage 24 ports", "2", "H87", "340.00"),
            ),
            service="SERV_TECH",
            framework="A9",
            validator=MINISTERE,
        ),
        (
            (day(49, "09:50"), Send("fournisseur")),
            (
                day(48, "11:20"),
                Validate("valideur", "Conforme à l'acte spécial de sous-traitance."),
            ),
            (day(45, "16:00"), Treat("commune", FAIT)),
            (day(40, "10:15"), Treat("commune", "MANDATEE", mandate="M-2026-1015")),
            (day(35, "09:45"), Treat("commune", M)),
        ),
    ),
    Story(
        "commune-postes-bibliotheque",
        Draft(
            COMMUNE,
            (
                Line("Postes de travail reconditionnés pour la bibliothèque", "6", "H87", "420.00"),
                Line("Préparation et installation", "1", "DAY", "480.00"),
            ),
            service="SERV_TECH",
        ),
        (
            (day(44, "10:00"), Send("fournisseur2")),
            (
                day(43, "15:30"),
                Treat(
                    "commune",
                    "A_RECYCLER",
                    motive="À adresser au service Culture et patrimoine, avec le bon de commande "
                    "EJ-CULT-0007.",
                ),
            ),
            (
                day(42, "09:20"),
                Recycle(
                    "fournisseur2",
                    service="SERV_CULTURE",
                    commitment="EJ-CULT-0007",
                    comment="Réacheminée vers le service Culture et patrimoine.",
                ),
            ),
            (day(39, "11:00"), Treat("commune", FAIT)),
            (day(33, "10:30"), Treat("commune", "MANDATEE", mandate="M-2026-1049")),
        ),
    ),
    Story(
        "commune-avoir-aout",
        Draft(
            COMMUNE,
            (
                Line(
                    "Remise commerciale : indisponibilité du service pendant une journée",
                    "1",
                    "LS",
                    "150.00",
                ),
            ),
            service="SERV_TECH",
        ),
        (
            (day(38, "14:10"), CreditNote("fournisseur", of="commune-maintenance-aout")),
            (day(35, "10:05"), Treat("commune", "COMPTABILISEE")),
        ),
    ),
    Story(
        "drfip-audit-securite",
        Draft(
            DRFIP,
            (
                Line("Audit de sécurité du réseau", "4", "DAY", "850.00"),
                Line("Rapport et restitution", "1", "DAY", "850.00"),
            ),
            commitment="EJ-2026-0001",
        ),
        (
            (day(37, "09:30"), Send("fournisseur")),
            (day(34, "14:45"), Treat("etat", FAIT)),
        ),
    ),
    Story(
        "lycee-videoprojecteurs",
        Draft(
            LYCEE,
            (Line("Sous-traitance : maintenance des vidéoprojecteurs", "12", "H87", "165.00"),),
            service="INTENDANCE",
            framework="A9",
            validator=MINISTERE,
        ),
        (
            (day(32, "10:40"), Send("fournisseur")),
            (
                day(31, "09:10"),
                Refuse(
                    "valideur",
                    "MONTANT_ERRONE",
                    "Le montant ne correspond pas à l'acte spécial de sous-traitance "
                    "(1 800,00 € HT).",
                ),
            ),
        ),
    ),
    Story(
        "depot-flux-octobre",
        None,
        (
            (
                day(27, "17:30"),
                Deposit("fournisseur2", ("flux-lycee", "flux-hebergement", "flux-assistance")),
            ),
        ),
    ),
    Story(
        "flux-lycee",
        Draft(
            LYCEE,
            (
                Line("Maintenance des imprimantes – octobre", "1", "LS", "540.00"),
                Line("Kits de maintenance", "3", "H87", "89.00"),
            ),
            service="INTENDANCE",
        ),
        (
            (day(23, "11:00"), Treat(LYCEE, FAIT)),
            (day(14, "09:00"), Treat(LYCEE, M)),
        ),
    ),
    Story(
        "flux-hebergement",
        Draft(
            COMMUNE,
            (Line("Hébergement et sauvegarde des serveurs – octobre", "1", "MON", "390.00"),),
            service="SERV_TECH",
        ),
        (
            (day(24, "10:00"), Treat("commune", FAIT)),
            (day(17, "14:00"), Treat("commune", "MANDATEE", mandate="M-2026-1120")),
            (day(12, "10:00"), Treat("commune", M)),
        ),
    ),
    # Exported without the commune's service code: Chorus Pro refuses this one in the flow.
    Story(
        "flux-assistance",
        Draft(COMMUNE, (Line("Assistance téléphonique – octobre", "5", "HUR", "65.00"),)),
    ),
    Story(
        "bureau-cotraitance-ecoles",
        Draft(
            COMMUNE,
            (Line("Co-traitance : fournitures scolaires des écoles", "1", "LS", "2140.00"),),
            supplier=BUREAU,
            service="SERV_TECH",
            framework="A12",
            validator=MINISTERE,
        ),
        (
            (day(22, "09:00"), SendOutside()),
            (day(21, "10:30"), Validate("valideur")),
            (day(18, "15:00"), Treat("commune", FAIT)),
        ),
    ),
    Story(
        "commune-maintenance-octobre",
        Draft(
            COMMUNE,
            (
                Line(
                    "Maintenance préventive du parc informatique – octobre", "1", "MON", "1250.00"
                ),
                Line("Interventions sur site", "9", "HUR", "65.00"),
            ),
            service="SERV_TECH",
        ),
        (
            (day(20, "09:05"), Send("fournisseur")),
            (day(19, "10:40"), Treat("commune", FAIT)),
            (day(11, "15:00"), Treat("commune", "MANDATEE", mandate="M-2026-1187")),
        ),
    ),
    Story(
        "drfip-maintenance-t4",
        Draft(
            DRFIP,
            (Line("Maintenance trimestrielle des serveurs – 4e trimestre", "1", "LS", "2400.00"),),
            commitment="EJ-2026-0001",
        ),
        ((day(16, "11:30"), Send("fournisseur2")),),
    ),
    Story(
        "bureau-toners",
        Draft(
            COMMUNE,
            (Line("Cartouches de toner couleur", "8", "H87", "62.00"),),
            supplier=BUREAU,
            service="SERV_TECH",
        ),
        (
            (day(15, "08:50"), SendOutside()),
            (
                day(13, "11:10"),
                Treat(
                    "commune",
                    "REJETEE",
                    motive="Facture en double : ces cartouches ont déjà été facturées en août.",
                ),
            ),
        ),
    ),
    Story(
        "commune-serveur-urgence",
        Draft(
            COMMUNE,
            (
                Line("Intervention urgente : panne du serveur de la mairie", "7", "HUR", "95.00"),
                Line("Alimentation de remplacement", "1", "H87", "189.00"),
            ),
            service="SERV_TECH",
        ),
        (
            (day(9, "17:45"), Send("fournisseur")),
            (
                day(7, "10:20"),
                Treat(
                    "commune",
                    "SUSPENDUE",
                    motive="Merci de joindre le rapport d'intervention signé par le responsable "
                    "informatique.",
                ),
            ),
        ),
    ),
    Story(
        "drfip-outil-solde",
        Draft(
            DRFIP,
            (Line("Développement de l'outil de suivi des demandes – solde", "1", "LS", "2400.00"),),
            commitment="EJ-2026-0002",
        ),
        (
            (day(6, "14:00"), Send("fournisseur")),
            (
                day(4, "09:30"),
                Treat(
                    "etat",
                    "REJETEE",
                    motive="Le solde ne peut être facturé qu'après la signature du procès-verbal "
                    "de recette.",
                ),
            ),
        ),
    ),
    Story(
        "bureau-fauteuils",
        Draft(
            COMMUNE,
            (Line("Fauteuils de bureau ergonomiques", "6", "H87", "289.00"),),
            supplier=BUREAU,
            service="SERV_TECH",
        ),
        ((day(5, "09:15"), SendOutside()),),
    ),
    Story(
        "commune-cablage-ecole",
        Draft(
            COMMUNE,
            (Line("Sous-traitance : câblage de l'école Jules-Ferry", "1", "LS", "2380.00"),),
            service="SERV_TECH",
            framework="A9",
            validator=MINISTERE,
        ),
        ((day(3, "10:30"), Send("fournisseur")),),
    ),
    Story(
        "bureau-signaletique",
        Draft(
            COMMUNE,
            (Line("Co-traitance : signalétique de la mairie annexe", "1", "LS", "1640.00"),),
            supplier=BUREAU,
            service="SERV_TECH",
            framework="A12",
            validator=MINISTERE,
        ),
        ((day(2, "15:00"), SendOutside()),),
    ),
    Story(
        "commune-licences",
        Draft(
            COMMUNE,
            (Line("Renouvellement des licences bureautiques", "25", "H87", "96.00"),),
            service="SERV_TECH",
        ),
        ((day(1, "11:40"), Send("fournisseur2")),),
    ),
    Story(
        "universite-station",
        Draft(
            UNIVERSITE,
            (Line("Station d'acquisition pour le laboratoire de physique", "2", "H87", "3450.00"),),
            commitment="EJ-2026-0100",
        ),
        ((day(1, "16:30"), SaveDraft("fournisseur")),),
    ),
    Story(
        "drfip-antivirus",
        Draft(
            DRFIP,
            (Line("Licences antivirus, renouvellement annuel", "40", "H87", "24.00"),),
            commitment="EJ-2026-0001",
        ),
        ((minutes_ago(150), Send("fournisseur2")),),
    ),
    Story(
        "commune-sauvegarde-novembre",
        Draft(
            COMMUNE,
            (Line("Hébergement et sauvegarde des serveurs – novembre", "1", "MON", "390.00"),),
            service="SERV_TECH",
        ),
        ((minutes_ago(45), Send("fournisseur")),),
    ),
    Story(
        "brouillon-formation",
        Draft(
            COMMUNE,
            (Line("Formation des agents au logiciel de gestion", "2", "DAY", "750.00"),),
            service="SERV_TECH",
            numbered=False,
        ),
        ((minutes_ago(20), SaveDraft("fournisseur2")),),
    ),
)

# Motives the public entities keep for their suspensions and rejections.
REASON_TEMPLATES = {
    COMMUNE: (
        (
            "Pièce justificative manquante",
            "Merci de joindre la pièce justificative manquante.",
            "suspend",
        ),
        (
            "Service destinataire erroné",
            "Facture à adresser au service indiqué sur le bon de commande.",
            "both",
        ),
    ),
    DRFIP: (
        (
            "Dépassement du bon de commande",
            "Le montant facturé dépasse le montant du bon de commande.",
            "reject",
        ),
    ),
}
# Public entities outside the portal that the supplier looks up in the directory first.
DIRECTORY_LOOKUPS = (UNIVERSITE, LYCEE)
