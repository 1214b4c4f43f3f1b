"""A saved motive changed in place (the list, adding and deleting are in views.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from invoices.actions.services import ActionNotAllowedError
from invoices.treatment.forms import ReasonTemplateForm
from invoices.treatment.selectors import reason_template_for_space
from invoices.treatment.services import reason_template_update
from portal.access import space_required
from portal.spaces import SpaceKind


@require_http_methods(["GET", "POST"])
@space_required(SpaceKind.RECIPIENT)
def reason_template_edit(request, template_id: int):
    template = reason_template_for_space(space=request.space, template_id=template_id)
    form = ReasonTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reason_template_update(
                template=template, label=data["label"], text=data["text"], use=data["use"]
            )
        except ActionNotAllowedError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The motive is saved."))
            return redirect("invoices:reason_templates")
    return render(
        request,
        "invoices/treatment/reason_template_edit.html",
        {"form": form, "template": template},
    )
