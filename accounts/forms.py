"""What the people pages receive: invitations, roles, a newcomer's account, codes, the audit's
filters."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditKind
from structures.models import Membership

ROLE_HELP = {
    Membership.Role.SUPPLIER_AGENT: _("drafts and sends the structure's invoices"),
    Membership.Role.RECIPIENT_AGENT: _("treats the invoices the structure receives"),
    Membership.Role.VALIDATOR: _("validates or refuses invoices before payment"),
    Membership.Role.STRUCTURE_MANAGER: _(
        "invites people, gives roles, sets up Chorus Pro; logs in with a second factor"
    ),
    Membership.Role.PROJECT_MANAGER: _(
        "checks the contractors' works statements as project manager (MOE)"
    ),
}


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault("choices", Membership.Role.choices)
        kwargs.setdefault(
            "error_messages",
            {"required": _("Choose at least one role.")},
        )
        super().__init__(**kwargs)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    roles = RolesField()


class MemberRolesForm(forms.Form):
    roles = RolesField(
        error_messages={"required": _("Choose at least one role, or remove the person instead.")}
    )


class NewcomerForm(UserCreationForm):
    """The account of a person who accepts an invitation without having one: their login,
    name and password (Django's password rules, which compare it with the invited address)."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name")

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.email = email
        self.fields["username"].label = _("Login")
        self.fields["username"].help_text = _(
            "What you will type to log in: letters, digits and @ . + - _ only."
        )
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        self.fields["username"].widget.attrs["autocomplete"] = "username"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=64,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Type the code.")},
    )

    def __init__(self, *args, autofocus: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not autofocus:
            # A secondary form of its page (turning the second factor off).
            del self.fields["code"].widget.attrs["autofocus"]


class AuditFilterForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[("", _("Everything")), *AuditKind.choices],
    )

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Everyone")), *people]

    def filters(self) -> dict:
        """The valid filters; an unknown value is ignored rather than failing the page."""
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}
