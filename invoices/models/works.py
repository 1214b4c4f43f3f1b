"""Works invoices (factures de travaux): the contract the pieces belong to, and what a piece adds to
its invoice row.

Every Chorus Pro works piece the portal knows is one ``Invoice`` row (number, parties, amounts,
status, history, attachments: the shared core) plus one ``WorksPiece`` row: its framework, who
deposits it, its MOE and MOA, the piece it answers, its billing file, the cumulative amounts of a
statement and the delays Chorus Pro counts on it. The contractor's monthly draft statement (A4),
the MOE's payment statement answering it (A15) and the owner's validated one (A19) are three
rows chained by ``answers``.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoices.models.invoice import MONEY, ZERO, Invoice
from portal.exact_decimal import ExactDecimalField
from structures.models import ChorusConnection, Service, Structure

RATE = {"max_digits": 5, "decimal_places": 2}
# Chorus Pro's works billing frameworks by their short code (A4_PROJET_DECOMPTE_MENSUEL_... is
# "A4"): what the invoice row and the Factur-X's BT-23 carry.
WORKS_FRAMEWORK_CODES = frozenset(
    (
        "A4",
        "A5",
        "A6",
        "A7",
        "A8",
        "A10",
        "A11",
        "A13",
        "A14",
        "A15",
        "A16",
        "A17",
        "A18",
        "A19",
        "A20",
        "A22",
        "A23",
        "A24",
        "A25",
    )
)
# The works pieces Chorus Pro makes available to the paying recipient (destinataire), as the
# emulator plays the chain [U]: the others are statements between the parties, handled in the
# works pages (invoices/works/), never in the recipient's inbox.
PAYABLE_WORKS_FRAMEWORKS = (
    "A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR",
    "A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR",
    "A16_ETAT_ACOMPTE_VALIDE_MOE",
    "A19_ETAT_ACOMPTE_VALIDE_MOA",
    "A23_DECOMPTE_GENERAL_DEFINITIF_TACITE_FOURNISSEUR",
    "A24_DECOMPTE_GENERAL_DEFINITIF_TACITE_MOE",
    "A25_DECOMPTE_GENERAL_DEFINITIF_MOE_PROCEDURE_TACITE",
)


class WorksContract(models.Model):
    """A public works contract (marché de travaux) as its parties know it: who owns, manages and
    carries out the works, and the money rules every statement follows."""

    number = models.CharField(_("contract number"), max_length=50, unique=True)
    title = models.CharField(_("purpose"), max_length=200)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    amount_excl_tax = ExactDecimalField(_("contract amount excluding VAT"), **MONEY)
    vat_rate = ExactDecimalField(_("VAT rate"), default=Decimal("20.00"), **RATE)
    commitment_number = models.CharField(_("commitment number"), max_length=50, blank=True)
    owner = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="works_owned",
        verbose_name=_("project owner"),
    )
    owner_service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True)
    project_manager = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="works_managed",
        verbose_name=_("project manager"),
    )
    project_manager_service_code = models.CharField(max_length=100, blank=True)
    contractor = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="works_contracted",
        verbose_name=_("contractor"),
    )
    retention_rate = ExactDecimalField(_("retention money (%)"), default=ZERO, **RATE)
    advance_excl_tax = ExactDecimalField(_("advance excluding VAT"), default=ZERO, **MONEY)
    # The advance is repaid from this share of the contract's amount done to that one (CCP
    # R. 2191-11: from 65 % at the latest, done by 80 %).
    advance_repaid_from = ExactDecimalField(default=Decimal("65.00"), **RATE)
    advance_repaid_until = ExactDecimalField(default=Decimal("80.00"), **RATE)
    payment_days = models.PositiveSmallIntegerField(_("payment delay (days)"), default=30)

    class Meta:
        verbose_name = _("works contract")
        verbose_name_plural = _("works contracts")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(advance_repaid_from__lt=models.F("advance_repaid_until")),
                name="works_advance_repaid_over_a_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} – {self.title}"


class WorksSubcontract(models.Model):
    """A subcontractor paid directly on the contract (CCP L. 2193-10), for its lot: its requests
    go first to their validator (the contractor), who accepts or refuses them within 15 days."""

    contract = models.ForeignKey(
        WorksContract, on_delete=models.CASCADE, related_name="subcontracts"
    )
    subcontractor = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="works_subcontracts",
        verbose_name=_("subcontractor"),
    )
    lot = models.CharField(_("lot"), max_length=200)
    amount_excl_tax = ExactDecimalField(_("amount excluding VAT"), **MONEY)
    validator = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="works_subcontracts_to_validate",
        verbose_name=_("validator"),
    )

    class Meta:
        verbose_name = _("works subcontract")
        verbose_name_plural = _("works subcontracts")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "subcontractor"], name="one_subcontract_per_company"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} – {self.lot}"


class WorksPiece(models.Model):
    """The works side of one invoice row (see the module's docstring)."""

    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="works")
    contract = models.ForeignKey(
        WorksContract, on_delete=models.PROTECT, null=True, blank=True, related_name="pieces"
    )
    # Chorus Pro's codeCadreFacturation (A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR...).
    framework = models.CharField(_("billing framework"), max_length=60)
    works_type = models.CharField(_("kind of piece"), max_length=50, blank=True)
    # Whose technical account deposits the piece: the contractor, the MOE or the MOA.
    depositor = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project_manager = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project_manager_service_code = models.CharField(max_length=100, blank=True)
    project_owner = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answers = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="answered_by"
    )
    # A subcontractor's request is validated first, by the contractor (A_VALIDER_1).
    validator = models.ForeignKey(
        Structure, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    billing_file_id = models.BigIntegerField(null=True, blank=True)
    billing_file_number = models.CharField(max_length=50, blank=True)
    # A statement's place in its contract and the amounts it states since the start of the works.
    sequence = models.PositiveSmallIntegerField(_("statement number"), null=True, blank=True)
    period_end = models.DateField(_("works done until"), null=True, blank=True)
    cumulative_excl_tax = ExactDecimalField(_("works done to date"), default=ZERO, **MONEY)
    previous_cumulative_excl_tax = ExactDecimalField(
        _("works stated before"), default=ZERO, **MONEY
    )
    advance_repayment = ExactDecimalField(_("advance repaid"), default=ZERO, **MONEY)
    retention = ExactDecimalField(_("retention money"), default=ZERO, **MONEY)
    # The delays Chorus Pro counts on the piece (consulter), copied by the works sync.
    project_manager_received_at = models.DateTimeField(null=True, blank=True)
    project_manager_due_at = models.DateTimeField(null=True, blank=True)
    payment_started_at = models.DateTimeField(null=True, blank=True)
    payment_due_at = models.DateTimeField(null=True, blank=True)
    # When the holder passed it on (the next piece was deposited, or the piece was closed).
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("works piece")
        verbose_name_plural = _("works pieces")
        indexes = [
            models.Index(fields=["project_manager", "framework"], name="works_piece_moe"),
            models.Index(fields=["project_owner", "framework"], name="works_piece_moa"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    cumulative_excl_tax__gte=0,
                    previous_cumulative_excl_tax__gte=0,
                    advance_repayment__gte=0,
                    retention__gte=0,
                ),
                name="works_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.partition('_')[0]} {self.invoice}"

    @property
    def code(self) -> str:
        """A4, A15, A19...: what people call the framework."""
        return self.framework.partition("_")[0]

    @property
    def period_excl_tax(self) -> Decimal:
        return self.cumulative_excl_tax - self.previous_cumulative_excl_tax


class WorksSync(models.Model):
    """Until when one technical account's works pieces were read (the works sync's watermark)."""

    connection = models.OneToOneField(
        ChorusConnection, on_delete=models.CASCADE, related_name="works_sync"
    )
    synced_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.connection} – {self.synced_until}"
