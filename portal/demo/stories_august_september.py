"""The demo's stories of August and September (portal/demo/stories.py)."""

from portal.demo.steps import (
    BUREAU,
    COMMUNE,
    DRFIP,
    FAIT,
    LYCEE,
    MINISTERE,
    UNIVERSITE,
    WERKSTATT,
    Complete,
    Correct,
    CreditNote,
    Draft,
    Line,
    M,
    Refuse,
    Send,
    SendOutside,
    Story,
    Treat,
    Validate,
    day,
)

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
            # Recycling is withdrawn (AIFE annex v6.1, §2): a routing error is a rejection, and
            # the supplier sends a corrected invoice to the right service.
            (
                day(43, "15:30"),
                Treat(
                    "commune",
                    "REJETEE",
                    motive="Erreur d'acheminement : à adresser au service Culture et patrimoine, "
                    "avec le bon de commande EJ-CULT-0007.",
                ),
            ),
            (
                day(42, "09:20"),
                Correct(
                    "fournisseur2",
                    service="SERV_CULTURE",
                    commitment="EJ-CULT-0007",
                    comment="Annule et remplace la facture rejetée : adressée au service Culture "
                    "et patrimoine.",
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
)
