import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as siret_number

from structures.credentials import credential_decrypt, credential_encrypt


def validate_siret(value: str) -> None:
    if not siret_number.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid SIRET (14 digits with a valid check digit)."),
            params={"value": value},
            code="invalid_siret",
        )


# Letters Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"})


def name_search_key(text: str) -> str:
    """A name folded for searching: no accents, no case, words split on anything but letters and
    digits ("Université de Sainte-Marie" -> "universite de sainte marie")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return " ".join(re.findall(r"[^\W_]+", bare))


class Structure(models.Model):
    """A company or a public entity, as known to Chorus Pro."""

    class Kind(models.TextChoices):
        PRIVATE = "private", _("Private company")
        PUBLIC = "public", _("Public entity")

    class PublicCategory(models.TextChoices):
        STATE = "state", _("State and its public bodies")
        LOCAL = "local", _("Local authority")
        HEALTH = "health", _("Public health establishment")
        OTHER = "other", _("Other public entity")

    class IdentifierType(models.TextChoices):
        SIRET = "siret", _("SIRET")
        # Chorus Pro also knows suppliers by an EU VAT number, a foreign or an overseas
        # identifier, or as private persons; their invoices still reach a recipient's inbox.
        OTHER = "other", _("Other identifier (foreign supplier, private person…)")

    identifier_type = models.CharField(
        _("identifier type"), max_length=8, choices=IdentifierType.choices, default="siret"
    )
    # The SIRET, or the supplier's identifier in Chorus Pro when it has none.
    siret = models.CharField(_("SIRET"), max_length=32, unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    # The name as name_search_key folds it, kept by save(): the same search on every database
    # (SQLite has no unaccent, PostgreSQL's needs an extension).
    search_name = models.CharField(
        max_length=200, blank=True, editable=False, verbose_name=_("name for search")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country_code = models.CharField(_("country"), max_length=2, default="FR")
    chorus_id = models.BigIntegerField(_("Chorus Pro id"), null=True, blank=True, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Routing rules, as Chorus Pro's consulterStructure gives them.
    service_code_required = models.BooleanField(_("service code required"), default=False)
    commitment_required = models.BooleanField(_("commitment number required"), default=False)
    service_or_commitment_required = models.BooleanField(
        _("service code or commitment number required"), default=False
    )
    last_synced_at = models.DateTimeField(_("last synced with Chorus Pro"), null=True, blank=True)
    # Which legal payment deadline applies (invoices/payment_clock.py); public only.
    public_category = models.CharField(
        _("kind of public entity"), max_length=12, choices=PublicCategory.choices, blank=True
    )

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(identifier_type="other") | Q(siret__regex=r"^[0-9]{14}$"),
                name="siret_14_digits",
            ),
            models.CheckConstraint(
                condition=Q(identifier_type="other", siren="")
                | Q(identifier_type="siret", siren=Substr("siret", 1, 9)),
                name="siren_of_siret",
            ),
            models.CheckConstraint(
                condition=Q(identifier_type__in=["siret", "other"]), name="identifier_type_known"
            ),
            models.CheckConstraint(condition=Q(kind__in=["private", "public"]), name="kind_known"),
            models.CheckConstraint(
                condition=Q(country_code__regex=r"^[A-Z]{2}$"), name="iso_country"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.siret})"

    def save(self, *args, **kwargs):
        self.siren = self.siret[:9] if self.identifier_type == self.IdentifierType.SIRET else ""
        self.search_name = name_search_key(self.name)[:200]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.identifier_type == self.IdentifierType.SIRET:
            try:
                validate_siret(self.siret)
            except ValidationError as error:
                raise ValidationError({"siret": error.messages}) from None

    @property
    def is_public(self) -> bool:
        return self.kind == self.Kind.PUBLIC


class Service(models.Model):
    """A service of a public entity, to which invoices are routed (codeServiceExecutant)."""

    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="services", verbose_name=_("structure")
    )
    code = models.CharField(_("code"), max_length=100)
    label = models.CharField(_("label"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    commitment_required = models.BooleanField(_("commitment number required"), default=False)
    chorus_id = models.BigIntegerField(_("Chorus Pro id"), null=True, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["structure", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "code"], name="service_code_per_structure"
            ),
            models.CheckConstraint(condition=Q(code__gt=""), name="service_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.label}" if self.label else self.code


class Membership(models.Model):
    """What a user may do for a structure. One row per (user, structure, role)."""

    class Role(models.TextChoices):
        SUPPLIER_AGENT = "supplier_agent", _("Supplier agent")
        RECIPIENT_AGENT = "recipient_agent", _("Recipient agent")
        VALIDATOR = "validator", _("Validator")
        STRUCTURE_MANAGER = "structure_manager", _("Structure manager")
        PROJECT_MANAGER = "project_manager", _("Project manager (works)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    structure = models.ForeignKey(
        Structure, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("structure")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["structure__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "structure", "role"], name="one_role_once"),
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "supplier_agent",
                        "recipient_agent",
                        "validator",
                        "structure_manager",
                        "project_manager",
                    ]
                ),
                name="membership_role_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.structure.name}"


class ChorusConnection(models.Model):
    """The Chorus Pro technical account a structure uses, and the environment it reaches."""

    class Environment(models.TextChoices):
        EMULATOR = "emulator", _("Emulator (demo and tests)")
        SANDBOX = "sandbox", _("PISTE sandbox (qualification)")
        PRODUCTION = "production", _("Production")

    structure = models.OneToOneField(
        Structure,
        on_delete=models.CASCADE,
        related_name="chorus_connection",
        verbose_name=_("structure"),
    )
    environment = models.CharField(_("environment"), max_length=12, choices=Environment.choices)
    login = models.CharField(_("technical account login"), max_length=200)
    password_encrypted = models.TextField(editable=False, verbose_name=_("password (encrypted)"))
    password_expires_on = models.DateField(_("password expiry date"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last successful call"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failed call"), null=True, blank=True)
    last_failure_message = models.TextField(_("last failure"), blank=True)
    # The "test the connection" report, written by a worker; the page polls for it.
    test_requested_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("test requested at")
    )
    last_tested_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last tested at"))
    last_test_report = models.JSONField(null=True, blank=True, verbose_name=_("last test report"))
    # Status polling watermark: the next cycle asks Chorus Pro for changes since this instant.
    statuses_synced_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("statuses synced up to")
    )
    # Same for the invoices this structure receives, and those it has to validate.
    received_synced_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("received invoices synced up to")
    )
    validations_synced_until = models.DateTimeField(
        null=True, blank=True, verbose_name=_("invoices to validate synced up to")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("Chorus Pro connection")
        verbose_name_plural = _("Chorus Pro connections")
        constraints = [
            models.CheckConstraint(
                condition=Q(environment__in=["emulator", "sandbox", "production"]),
                name="connection_environment_known",
            ),
            models.CheckConstraint(condition=Q(login__gt=""), name="connection_login_not_empty"),
            models.CheckConstraint(
                condition=Q(password_encrypted__gt=""), name="connection_password_stored"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.structure.name} – {self.get_environment_display()}"

    def set_password(self, plain: str) -> None:
        self.password_encrypted = credential_encrypt(plain)

    def password(self) -> str:
        return credential_decrypt(self.password_encrypted)


class ChorusExchange(models.Model):
    """One call to Chorus Pro, as the client reported it (secrets and file contents redacted)."""

    connection = models.ForeignKey(
        ChorusConnection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchanges",
        verbose_name=_("Chorus Pro connection"),
    )
    invoice = models.ForeignKey(
        "invoices.Invoice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchanges",
        verbose_name=_("invoice"),
    )
    operation = models.CharField(_("operation"), max_length=100)
    started_at = models.DateTimeField(_("started at"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    return_code = models.IntegerField(_("Chorus Pro return code"), null=True, blank=True)
    message = models.TextField(_("Chorus Pro message"), blank=True)
    error_kind = models.CharField(_("error kind"), max_length=30, blank=True)
    request = models.JSONField(_("request (redacted)"), null=True, blank=True)
    response = models.JSONField(_("response (redacted)"), null=True, blank=True)

    class Meta:
        verbose_name = _("Chorus Pro exchange")
        verbose_name_plural = _("Chorus Pro exchanges")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["invoice", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.operation} {self.started_at:%Y-%m-%d %H:%M:%S}"
