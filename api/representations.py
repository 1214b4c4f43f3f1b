"""What the API shows of each object: snake_case JSON, amounts as decimal strings (exact), dates
as YYYY-MM-DD. The OpenAPI schemas (api/openapi_schemas.py) describe these shapes."""

from decimal import Decimal

from django.urls import reverse


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _structure_ref(structure) -> dict | None:
    if structure is None:
        return None
    return {"siret": structure.siret, "name": structure.name}


def invoice_url(invoice) -> str:
    return reverse("api:invoice", args=[invoice.pk])


def invoice_json(invoice, *, with_details: bool = False) -> dict:
    data = {
        "id": invoice.pk,
        "url": invoice_url(invoice),
        "kind": invoice.kind,
        "number": invoice.number,
        "status": invoice.status,
        "chorus_status": invoice.chorus_status,
        "chorus_invoice_id": invoice.chorus_invoice_id,
        "supplier": _structure_ref(invoice.supplier),
        "recipient": _structure_ref(invoice.recipient),
        "service_code": invoice.service.code if invoice.service_id else "",
        "validator": _structure_ref(invoice.validator),
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "billing_framework": invoice.billing_framework,
        "currency": invoice.currency,
        "payment_mode": invoice.payment_mode,
        "vat_regime": invoice.vat_regime,
        "vat_exemption_reason": invoice.vat_exemption_reason,
        "commitment_number": invoice.commitment_number,
        "market_number": invoice.market_number,
        "original_number": invoice.original_number,
        "comment": invoice.comment,
        "total_excl_tax": _money(invoice.total_excl_tax),
        "total_vat": _money(invoice.total_vat),
        "total_incl_tax": _money(invoice.total_incl_tax),
        "amount_due": _money(invoice.amount_due),
        "payment_due_by": invoice.payment_due_by,
        "submission_error": invoice.submission_error_message,
        "created_at": invoice.created_at,
        "updated_at": invoice.updated_at,
    }
    if with_details:
        data["lines"] = [line_json(line) for line in invoice.lines.order_by("position")]
        data["vat_lines"] = [
            {
                "rate": _money(vat.rate),
                "taxable_amount": _money(vat.taxable_amount),
                "vat_amount": _money(vat.vat_amount),
            }
            for vat in invoice.vat_lines.order_by("rate")
        ]
        data["attachments"] = [attachment_json(a) for a in invoice.attachments.order_by("pk")]
    return data


def line_json(line) -> dict:
    return {
        "position": line.position,
        "description": line.description,
        "quantity": _money(line.quantity.normalize()),
        "unit": line.unit,
        "unit_price": _money(line.unit_price.normalize()),
        "discount": _money(line.discount),
        "vat_rate": _money(line.vat_rate.normalize()) if line.vat_rate is not None else None,
        "total_excl_tax": _money(line.total_excl_tax),
    }


def attachment_json(attachment) -> dict:
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "name": attachment.name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "sha256": attachment.sha256,
        "sent_to_chorus": attachment.chorus_attachment_id is not None,
        "uploaded_at": attachment.uploaded_at,
        "url": reverse("api:attachment_content", args=[attachment.invoice_id, attachment.pk]),
    }


def event_json(event) -> dict:
    return {
        "status": event.status,
        "occurred_at": event.occurred_at,
        "source": event.source,
        "who": event.actor_name or (event.actor.get_full_name() if event.actor else ""),
        "comment": event.comment,
    }


def action_json(action) -> dict:
    return {
        "id": action.pk,
        "kind": action.kind,
        "status": action.status,
        "target_status": action.payload.get("target_status", ""),
        "motive": action.payload.get("motive", action.payload.get("comment", "")),
        "error": action.error_message,
        "created_at": action.created_at,
        "finished_at": action.finished_at,
    }


def check_json(check) -> dict:
    return {
        "code": check.code,
        "ok": check.ok,
        "label": check.label,
        "fix": check.fix,
        "warning": check.warning,
    }


def service_json(choice) -> dict:
    return {
        "code": choice.code,
        "label": choice.label,
        "commitment_required": choice.commitment_required,
        "available": not choice.disabled,
        "reason": choice.reason,
    }


def recipient_json(entry) -> dict:
    structure = entry.structure
    return {
        "siret": structure.siret,
        "name": structure.name,
        "is_public": structure.is_public,
        "is_active": structure.is_active,
        "rules_known": entry.rules_known,
        "service_code_required": structure.service_code_required,
        "commitment_required": structure.commitment_required,
        "service_or_commitment_required": structure.service_or_commitment_required,
        "last_synced_at": structure.last_synced_at,
        "services": [service_json(choice) for choice in entry.services],
    }


def flow_json(flow, *, results=None) -> dict:
    data = {
        "id": flow.pk,
        "url": reverse("api:flow", args=[flow.pk]),
        "name": flow.name,
        "syntax": flow.syntax,
        "size": flow.size,
        "status": flow.status,
        "chorus_flow_number": flow.chorus_flow_number,
        "chorus_state": flow.chorus_state,
        "error": flow.error_message,
        "file_names": flow.file_names,
        "created_at": flow.created_at,
    }
    if results is not None:
        files, unplaced = results
        data["files"] = [
            {
                "name": result.name,
                "number": result.number,
                "state": result.state,
                "invoice_id": result.invoice.pk if result.invoice else None,
                "chorus_invoice_id": result.chorus_invoice_id,
                "errors": [_raw_error_json(raw) for raw in result.errors],
            }
            for result in files
        ]
        data["other_errors"] = [_raw_error_json(raw) for raw in unplaced]
    return data


def _raw_error_json(raw) -> dict:
    return {"code": raw.code, "message": raw.message, "advice": str(raw.advice)}
