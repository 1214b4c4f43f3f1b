"""Works invoices' pages: the contracts and their page for each party, the contractor's
statement, the MOE's and the MOA's queues, and a piece with what its holder may do.

Forms post as plain pages (they work without JavaScript); every decision is queued for a worker
and the piece's page says where it stands.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoices.actions.services import ActionNotAllowedError, ActionUnderWayError, action_under_way
from invoices.models import WorksPiece
from invoices.payment_clock import works_time_split
from invoices.works import services
from invoices.works.forms import (
    AnswerForm,
    AttachmentsForm,
    CompleteForm,
    NewStatementForm,
    ProjectManagerForm,
    RefuseForm,
    ServiceForm,
    StatementForm,
    SuspendForm,
)
from invoices.works.frameworks import ANSWERS, FRAMEWORK_LABELS, TO_COMPLETE, status_label
from invoices.works.moves import role_on_piece
from invoices.works.preflight import works_preflight
from invoices.works.reasons import refusal_reasons
from invoices.works.selectors import (
    contract_for_space,
    contract_summary,
    contracts_for_space,
    days_left,
    decided_for_space,
    piece_for_space,
    queue_for_space,
    statement_for_space,
)
from portal.access import space_required
from portal.spaces import SpaceKind
from structures.selectors import connection_for_structure

WORKS_SPACES = (SpaceKind.SUPPLIER, SpaceKind.PROJECT_MANAGER, SpaceKind.RECIPIENT)


def detail_panel(*, request, invoice) -> dict:
    """Context this part adds to the invoice page: a works piece's statement, its chain and the
    payment delay split between the MOE and the owner."""
    piece = WorksPiece.objects.filter(invoice=invoice).select_related("contract").first()
    if piece is None:
        return {}
    chain = _chain(piece)
    return {
        "works": {
            "piece": piece,
            "chain": chain,
            "label": FRAMEWORK_LABELS.get(piece.framework, piece.framework),
            "split": works_time_split(piece=piece, chain=chain),
        }
    }


@space_required(*WORKS_SPACES)
def contracts(request):
    return render(
        request,
        "invoices/works/contracts.html",
        {"contracts": contracts_for_space(space=request.space)},
    )


@space_required(*WORKS_SPACES)
def contract(request, contract_id: int):
    works_contract = contract_for_space(space=request.space, contract_id=contract_id)
    summary = contract_summary(contract=works_contract, space=request.space)
    return render(
        request,
        "invoices/works/contract.html",
        {
            "contract": works_contract,
            "summary": summary,
            "new_form": NewStatementForm(subcontractor=_subcontractor(request, works_contract))
            if request.space.kind == SpaceKind.SUPPLIER
            else None,
            "labels": FRAMEWORK_LABELS,
        },
    )


def _subcontractor(request, works_contract) -> bool:
    return works_contract.contractor_id != request.space.structure.pk


@require_POST
@space_required(SpaceKind.SUPPLIER)
def statement_new(request, contract_id: int):
    works_contract = contract_for_space(space=request.space, contract_id=contract_id)
    form = NewStatementForm(request.POST, subcontractor=_subcontractor(request, works_contract))
    if not form.is_valid():
        return redirect("invoices:works_contract", works_contract.pk)
    invoice = services.works_statement_start(
        contract=works_contract,
        user=request.user,
        framework=form.cleaned_data["framework"],
        company=request.space.structure,
    )
    return redirect("invoices:works_statement", invoice.pk)


@space_required(SpaceKind.SUPPLIER)
def statement(request, invoice_id: int):
    invoice = statement_for_space(space=request.space, invoice_id=invoice_id)
    piece = invoice.works
    if invoice.status != invoice.Status.DRAFT:
        return redirect("invoices:works_piece", invoice.pk)
    form = StatementForm(
        initial={
            "number": invoice.number,
            "issue_date": invoice.issue_date,
            "period_end": piece.period_end,
            "cumulative": piece.cumulative_excl_tax,
            "comment": invoice.comment,
        }
    )
    if request.method == "POST":
        form = StatementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.works_statement_update(
                invoice=invoice,
                cumulative=data["cumulative"],
                period_end=data["period_end"],
                number=data["number"],
                issue_date=data["issue_date"],
                comment=data["comment"],
            )
            messages.success(request, _("Statement saved: its amounts are computed."))
            return redirect("invoices:works_statement", invoice.pk)
    invoice.refresh_from_db()
    piece.refresh_from_db()
    return render(
        request,
        "invoices/works/statement.html",
        {
            "invoice": invoice,
            "piece": piece,
            "form": form,
            "attachments_form": AttachmentsForm(),
            "checks": works_preflight(invoice=invoice),
            "label": FRAMEWORK_LABELS.get(piece.framework, piece.framework),
        },
    )


@require_POST
@space_required(SpaceKind.SUPPLIER)
def statement_attach(request, invoice_id: int):
    invoice = statement_for_space(space=request.space, invoice_id=invoice_id)
    try:
        refusals = services.works_statement_attach(
            invoice=invoice, files=request.FILES.getlist("files")
        )
    except services.StatementLocked:
        return redirect("invoices:works_piece", invoice.pk)
    for refusal in refusals:
        messages.error(request, refusal)
    return redirect("invoices:works_statement", invoice.pk)


@require_POST
@space_required(SpaceKind.SUPPLIER)
def statement_send(request, invoice_id: int):
    invoice = statement_for_space(space=request.space, invoice_id=invoice_id)
    try:
        services.works_statement_send(invoice=invoice, user=request.user)
    except services.NotReady:
        messages.error(request, _("The statement cannot be sent yet: see the checks."))
        return redirect("invoices:works_statement", invoice.pk)
    messages.success(request, _("The statement is being sent to Chorus Pro."))
    return redirect("invoices:works_piece", invoice.pk)


@space_required(*WORKS_SPACES)
def queue(request):
    pieces = list(queue_for_space(space=request.space))
    rows = []
    for item in pieces:
        left = days_left(item.project_manager_due_at)
        rows.append(
            {
                "piece": item,
                "days_left": left,
                "days_late": -left if left else 0,
                "status": status_label(item.invoice.chorus_status),
            }
        )
    return render(
        request,
        "invoices/works/queue.html",
        {
            "rows": rows,
            "labels": FRAMEWORK_LABELS,
            "decided": decided_for_space(space=request.space),
        },
    )


def _decision_forms(request, piece, role, **bound) -> dict:
    if role is None:
        return {}
    connection = connection_for_structure(structure=request.space.structure)
    reasons = refusal_reasons(connection=connection, role=role)
    answer = ANSWERS.get(role, {}).get(piece.framework)
    return {
        "answer_form": bound.get("answer_form")
        or (AnswerForm(initial={"cumulative": piece.cumulative_excl_tax}) if answer else None),
        "answer_label": FRAMEWORK_LABELS.get(answer, "") if answer else "",
        "refuse_form": bound.get("refuse_form")
        or (RefuseForm(reasons=reasons) if reasons else None),
        "reasons_loading": reasons is None,
        "validating": role == "validator",
        "service_form": bound.get("service_form")
        or (
            ServiceForm(initial={"service_code": piece.project_manager_service_code})
            if role == "moe"
            else None
        ),
        "suspend_form": bound.get("suspend_form")
        or (SuspendForm() if role in ("moe", "moa") else None),
    }


def _piece_page(request, piece, status=200, **bound):
    role = role_on_piece(piece, request.space.structure)
    invoice = piece.invoice
    under_way = action_under_way(invoice=invoice)
    completing = (
        piece.depositor_id == request.space.structure.pk and invoice.chorus_status in TO_COMPLETE
    )
    context = {
        "piece": piece,
        "invoice": invoice,
        "role": role,
        "under_way": under_way,
        "latest_action": invoice.actions.order_by("-created_at").first(),
        "status": status_label(invoice.chorus_status) if invoice.chorus_status else "",
        "label": FRAMEWORK_LABELS.get(piece.framework, piece.framework),
        "moe_days_left": days_left(piece.project_manager_due_at),
        "payment_days_left": days_left(piece.payment_due_at),
        "chain": _chain(piece),
        "complete_form": bound.get("complete_form") or (CompleteForm() if completing else None),
        "moe_form": bound.get("moe_form")
        or (
            ProjectManagerForm()
            if piece.depositor_id == request.space.structure.pk
            and invoice.chorus_status == "ERREUR_FOURNISSEUR_SUR_MOE"
            else None
        ),
        **(_decision_forms(request, piece, role, **bound) if not under_way else {}),
    }
    context["split"] = works_time_split(piece=piece, chain=context["chain"])
    return render(request, "invoices/works/piece.html", context, status=status)


def _chain(piece):
    first = piece
    while first.answers_id:
        first = first.answers
    chain = [first]
    while True:
        following = chain[-1].answered_by.select_related("invoice").order_by("pk").first()
        if following is None:
            return chain
        chain.append(following)


@space_required(*WORKS_SPACES)
def piece(request, invoice_id: int):
    return _piece_page(request, piece_for_space(space=request.space, invoice_id=invoice_id))


def _decide(request, invoice_id: int, form_class, act, form_key: str, form_kwargs=None):
    works_piece = piece_for_space(space=request.space, invoice_id=invoice_id)
    extra = form_kwargs(works_piece) if form_kwargs else {}
    form = form_class(request.POST, request.FILES, **extra)
    if not form.is_valid():
        return _piece_page(request, works_piece, **{form_key: form})
    try:
        act(works_piece, form.cleaned_data)
    except ActionNotAllowedError as error:
        form.add_error(error.field, error.message)
        return _piece_page(request, works_piece, **{form_key: form})
    except ActionUnderWayError:
        messages.error(request, _("Another decision about this piece is still on its way."))
    else:
        messages.success(request, _("Your decision is on its way to Chorus Pro."))
    return redirect("invoices:works_piece", invoice_id)


@require_POST
@space_required(SpaceKind.PROJECT_MANAGER, SpaceKind.RECIPIENT, SpaceKind.SUPPLIER)
def piece_answer(request, invoice_id: int):
    def act(works_piece, data):
        services.works_piece_answer(
            piece=works_piece,
            structure=request.space.structure,
            user=request.user,
            cumulative=data["cumulative"],
            comment=data["comment"],
        )

    return _decide(request, invoice_id, AnswerForm, act, "answer_form")


@require_POST
@space_required(SpaceKind.PROJECT_MANAGER, SpaceKind.RECIPIENT, SpaceKind.SUPPLIER)
def piece_refuse(request, invoice_id: int):
    def reasons(works_piece):
        role = role_on_piece(works_piece, request.space.structure) or ""
        connection = connection_for_structure(structure=request.space.structure)
        return {"reasons": refusal_reasons(connection=connection, role=role) or []}

    def act(works_piece, data):
        services.works_piece_refuse(
            piece=works_piece,
            structure=request.space.structure,
            user=request.user,
            reason_code=data["reason"],
            comment=data["comment"],
        )

    return _decide(request, invoice_id, RefuseForm, act, "refuse_form", form_kwargs=reasons)


@require_POST
@space_required(SpaceKind.PROJECT_MANAGER, SpaceKind.RECIPIENT)
def piece_suspend(request, invoice_id: int):
    def act(works_piece, data):
        services.works_piece_suspend(
            piece=works_piece,
            structure=request.space.structure,
            user=request.user,
            comment=data["comment"],
        )

    return _decide(request, invoice_id, SuspendForm, act, "suspend_form")


@require_POST
@space_required(SpaceKind.SUPPLIER)
def piece_complete(request, invoice_id: int):
    def act(works_piece, data):
        services.works_piece_complete(
            piece=works_piece,
            structure=request.space.structure,
            user=request.user,
            comment=data["comment"],
            files=request.FILES.getlist("files"),
        )

    return _decide(request, invoice_id, CompleteForm, act, "complete_form")


@require_POST
@space_required(SpaceKind.SUPPLIER)
def piece_validate(request, invoice_id: int):
    works_piece = piece_for_space(space=request.space, invoice_id=invoice_id)
    try:
        services.works_piece_validate(
            piece=works_piece, structure=request.space.structure, user=request.user
        )
    except ActionNotAllowedError as error:
        messages.error(request, error.message)
    except ActionUnderWayError:
        messages.error(request, _("Another decision about this piece is still on its way."))
    else:
        messages.success(request, _("Your decision is on its way to Chorus Pro."))
    return redirect("invoices:works_piece", invoice_id)


@require_POST
@space_required(SpaceKind.PROJECT_MANAGER)
def piece_moe_service(request, invoice_id: int):
    def act(works_piece, data):
        services.works_piece_moe_service(
            piece=works_piece,
            structure=request.space.structure,
            user=request.user,
            service_code=data["service_code"],
        )

    return _decide(request, invoice_id, ServiceForm, act, "service_form")


@require_POST
@space_required(SpaceKind.SUPPLIER)
def piece_fix_moe(request, invoice_id: int):
    def act(works_piece, data):
        services.works_piece_fix_moe(
            piece=works_piece,
            structure=request.space.structure,
            user=request.user,
            siret=data["siret"],
            service_code=data["service_code"],
        )

    return _decide(request, invoice_id, ProjectManagerForm, act, "moe_form")
