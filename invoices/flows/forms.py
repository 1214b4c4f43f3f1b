"""The upload form of invoice files (Factur-X, UBL, CII): one or many at once."""

from django import forms
from django.utils.translation import gettext_lazy as _

from invoices.flows.files import FILE_MAX_BYTES
from invoices.upload_rules import file_input_attrs

# Django refuses a request with more files than DATA_UPLOAD_MAX_NUMBER_FILES (100 by default)
# before any form sees it; the form says the same thing in words.
MAX_FILES = 100


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs=file_input_attrs(max_bytes=FILE_MAX_BYTES, extensions=("pdf", "xml"))
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        # Each file is checked by the flow service, which refuses files one by one; here only
        # the presence of at least one file is checked.
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


class FlowUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Invoice files"),
        help_text=_(
            "Factur-X PDF, UBL XML or CII XML; 10 MB at most per file, up to 100 files at once."
        ),
        error_messages={"required": _("Choose at least one invoice file.")},
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(max)d files can be uploaded at once."), params={"max": MAX_FILES}
            )
        return files

    def file_contents(self) -> list[tuple[str, bytes]]:
        # One byte past the limit is enough for the service to refuse an oversized file,
        # without holding it all in memory.
        limit = FILE_MAX_BYTES + 1
        return [(upload.name, upload.read(limit)) for upload in self.cleaned_data["files"]]
