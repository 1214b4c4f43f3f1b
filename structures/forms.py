"""Parsing of what structure pages receive: the Chorus Pro connection form, the directory search."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret as siret_number

from structures.chorus import environment_is_configured
from structures.models import ChorusConnection

MIN_NAME_LENGTH = 3


class ConnectionForm(forms.Form):
    """The structure manager's Chorus Pro connection. The password is write-only: never shown
    back, and left unchanged when the field stays empty on an existing connection."""

    environment = forms.ChoiceField(
        label=_("Environment"), choices=ChorusConnection.Environment.choices
    )
    login = forms.CharField(
        label=_("Technical account login"),
        max_length=200,
        help_text=_("Usually TECH_1_<SIRET>@cpro.fr, as created in Chorus Pro."),
    )
    password = forms.CharField(
        label=_("Technical account password"),
        required=False,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    password_expires_on = forms.DateField(
        label=_("Password expiry date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Read from Chorus Pro when you test the connection, while the portal reads the "
            "Structures API; the Référentiel des Organisations does not give it: type it then, "
            "to be reminded before it expires."
        ),
    )

    def __init__(self, *args, connection: ChorusConnection | None = None, **kwargs):
        self.connection = connection
        if connection is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "environment": connection.environment,
                "login": connection.login,
                "password_expires_on": connection.password_expires_on,
            }
        super().__init__(*args, **kwargs)
        if connection is not None:
            self.fields["password"].help_text = _("Leave empty to keep the current password.")

    def clean_environment(self) -> str:
        environment = self.cleaned_data["environment"]
        if not environment_is_configured(environment):
            raise forms.ValidationError(
                _(
                    "This environment is not set up on the portal (no PISTE application). "
                    "Choose another one or ask the portal operator."
                ),
                code="environment_not_configured",
            )
        return environment

    def clean_login(self) -> str:
        login = self.cleaned_data["login"].strip()
        if any(character.isspace() for character in login):
            raise forms.ValidationError(_("The login cannot contain spaces."), code="login_spaces")
        return login

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if self.connection is None and not password:
            raise forms.ValidationError(
                _("Enter the technical account password."), code="password_required"
            )
        return password


@dataclass(frozen=True)
class DirectoryQuery:
    """What the supplier typed: a valid SIRET, or a part of a public structure's name."""

    siret: str = ""
    name: str = ""

    @property
    def text(self) -> str:
        return self.siret or self.name


class DirectorySearchForm(forms.Form):
    """The directory's live search. A SIRET is checked here, before any call to Chorus Pro."""

    q = forms.CharField(label=_("SIRET or name"), required=False, max_length=100)

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        compact = siret_number.compact(text)
        if compact.isdigit():
            if len(compact) != 14 or not siret_number.is_valid(compact):
                raise forms.ValidationError(
                    _("This SIRET is not valid: it has 14 digits and a valid check digit."),
                    code="invalid_siret",
                )
            return compact
        if text and len(text) < MIN_NAME_LENGTH:
            raise forms.ValidationError(
                _("Type at least 3 characters of the name, or a SIRET."), code="too_short"
            )
        return text

    def query(self) -> DirectoryQuery | None:
        """The parsed query, or None when nothing (valid) was typed."""
        if not self.is_valid() or not self.cleaned_data["q"]:
            return None
        text = self.cleaned_data["q"]
        return DirectoryQuery(siret=text) if text.isdigit() else DirectoryQuery(name=text)


# [U] Chorus Pro does not document a service code's alphabet: letters, digits, "_" and "-", as
# every code seen in its sandbox (FACTURES_PUBLIQUES) is written.
SERVICE_CODE_PATTERN = r"^[A-Za-z0-9_\-]+$"


class ServiceCreateForm(forms.Form):
    """A new service of a public structure, created in Chorus Pro's Référentiel des
    Organisations, with its routing parameter."""

    code = forms.RegexField(
        label=_("Service code"),
        max_length=100,
        regex=SERVICE_CODE_PATTERN,
        error_messages={"invalid": _("Use only letters, digits, “_” and “-”, without spaces.")},
        help_text=_("What suppliers give on their invoices, e.g. SERV_TECH."),
    )
    label = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=255, required=False, widget=forms.Textarea({"rows": 2})
    )
    commitment_required = forms.BooleanField(
        label=_("Invoices to this service must carry a commitment number"), required=False
    )

    def __init__(self, *args, structure=None, **kwargs):
        self.structure = structure
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if self.structure is not None and self.structure.services.filter(code=code).exists():
            raise forms.ValidationError(
                _("Your structure already has a service with this code."), code="code_taken"
            )
        return code
