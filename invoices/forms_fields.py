"""Form fields shared by the invoice forms.

Texts Chorus Pro limits in length (a motive: 255 characters) must never be cut on the way: a
browser's ``maxlength`` silently drops what is pasted past the limit, so these fields do not
render one. The server refuses a longer text with a message and gives it back whole; the page
counts characters as one types (static/js/portal.js reads ``data-maxchars``).
"""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class LimitedTextField(forms.CharField):
    """A CharField whose limit is shown by a live counter and enforced by the server only."""

    default_error_messages = {
        "max_length": _(
            "This text has %(show_value)d characters, for %(limit_value)d at most: shorten it "
            "(nothing was sent)."
        ),
    }

    def __init__(self, *, max_length: int, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(max_length=max_length, **kwargs)
        # CharField's own validator would use Django's generic message; ours says what to do.
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)] + [
            MaxLengthValidator(max_length, message=self.error_messages["max_length"])
        ]

    def to_python(self, value):
        # Browsers send line breaks as CRLF but count them as one character, like Chorus Pro.
        return super().to_python(value).replace("\r\n", "\n")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        attrs.update(
            {
                "data-maxchars": str(self.max_length),
                "data-counter": _("%(count)s of %(limit)s characters"),
                "data-counter-over": _("%(count)s of %(limit)s characters: %(excess)s too many"),
            }
        )
        return attrs
