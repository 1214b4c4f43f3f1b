"""The demo's stories of October and November, up to today (portal/demo/stories.py)."""

from portal.demo.steps import (
    BUREAU,
    COMMUNE,
    DRFIP,
    FAIT,
    LYCEE,
    MINISTERE,
    RECTORAT,
    UNIVERSITE,
    CorrectValidator,
    Deposit,
    Draft,
    Line,
    M,
    Refuse,
    SaveDraft,
    Send,
    SendOutside,
    Story,
    Treat,
    Validate,
    day,
    minutes_ago,
)

STORIES = (
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
    # The Université requires a second validation of invoices with a validator: the Rectorat
    # validates after the Ministère, before the Université sees the invoice.
    Story(
        "universite-capteurs-labo",
        Draft(
            UNIVERSITE,
            (
                Line(
                    "Sous-traitance : pose de capteurs au laboratoire de chimie",
                    "1",
                    "LS",
                    "1960.00",
                ),
            ),
            service="SERV_RECHERCHE",
            framework="A9",
            validator=MINISTERE,
        ),
        (
            (day(12, "10:10"), Send("fournisseur")),
            (day(11, "14:20"), Validate("valideur", "Conforme à l'acte spécial.")),
            (day(10, "09:40"), Validate("rectorat", "Contrôle de second niveau : conforme.")),
            (day(6, "11:00"), Treat(UNIVERSITE, FAIT)),
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
    # The supplier named the Rectorat as the validator of a commune's invoice: the Rectorat
    # refuses it as the wrong validator, and the supplier names the Ministère instead.
    Story(
        "commune-cablage-gymnase",
        Draft(
            COMMUNE,
            (Line("Sous-traitance : câblage du gymnase municipal", "1", "LS", "1480.00"),),
            service="SERV_TECH",
            framework="A9",
            validator=RECTORAT,
        ),
        (
            (day(4, "09:30"), Send("fournisseur")),
            (
                day(3, "11:15"),
                Refuse(
                    "rectorat",
                    "ERREUR_VALIDEUR",
                    "Le Rectorat ne valide pas les factures de la commune : voir le Ministère.",
                ),
            ),
            (day(2, "10:05"), CorrectValidator("fournisseur", MINISTERE)),
        ),
    ),
    Story(
        "universite-maintenance-salles",
        Draft(
            UNIVERSITE,
            (
                Line(
                    "Sous-traitance : maintenance des salles de travaux pratiques",
                    "3",
                    "DAY",
                    "520.00",
                ),
            ),
            service="SERV_RECHERCHE",
            framework="A9",
            validator=MINISTERE,
        ),
        (
            (day(2, "16:00"), Send("fournisseur2")),
            (day(1, "09:50"), Validate("valideur")),
        ),
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
