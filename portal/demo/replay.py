"""The replay of the demo history (portal/demo/history.py): each step of a story acted as its
user would, through the portal's services, and what the beat does after it."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from chorus_emulator.admin_client import EmulatorAdmin
from invoices.answers.drafts import invoice_correction_create, invoice_credit_note_create
from invoices.answers.services import invoice_complete
from invoices.answers.validator_correction import invoice_validator_correct
from invoices.documents.downloads import invoice_opened_by_recipient, invoice_pdf_fetch
from invoices.drafting.services import (
    invoice_draft_create,
    invoice_draft_form,
    invoice_draft_update,
    invoice_line_add,
    invoice_line_form,
    invoice_line_remove,
    invoice_line_update,
)
from invoices.flows.services import flow_report_poll, flow_upload, flows_due
from invoices.inbox.services import inbox_sync_for_connection, validations_sync_for_connection
from invoices.models import Invoice, InvoiceAction, InvoiceLine
from invoices.notifications.reads import notifications_mark_read
from invoices.notifications.selectors import notification_list_for_user
from invoices.sending.preflight import invoice_preflight
from invoices.sending.status_sync import status_sync_for_connection
from invoices.sending.submission import NotReady, invoice_submit
from invoices.treatment.services import (
    invoice_refusal_reasons,
    invoice_refuse,
    invoice_treat,
    invoice_validate,
    reason_template_create,
    treatment_options,
)
from portal.demo import steps, stories
from portal.demo.outside import (
    ACCOUNTS,
    outside_complete,
    outside_submit,
    outside_treat,
    pdf_document,
    ubl_invoice,
)
from reference_lists.services import reference_lists_refresh
from structures.models import ChorusConnection, Membership, Structure
from structures.services.directory import directory_refresh_structure
from structures.services.directory_copy import directory_copy_refresh
from structures.services.own_structure import directory_refresh_own_structure

BEAT_DELAY = timedelta(minutes=15)
EVERYONE = {steps.ATELIER, steps.COMMUNE, steps.DRFIP, steps.MINISTERE, steps.RECTORAT}
BANK_ACCOUNT = "31000001"  # Atelier Numérique's current account in the emulator world
# Users read their notifications when they come to act; the last week's may still be unread.
READ_AFTER = timedelta(days=7)


class DemoHistoryError(Exception):
    """A step of the history could not be played (the message names the story and the step)."""


@dataclass(frozen=True)
class Event:
    moment: datetime
    story: steps.Story
    step: object
    # Invoice numbers this step gives: {story key: number}, and the invoice date.
    numbers: dict[str, str] = field(default_factory=dict)
    issued: date | None = None


class Clocks:
    """The emulator's clock and the portal's, moved together."""

    def __init__(self, admin: EmulatorAdmin, real_now) -> None:
        self.admin = admin
        self.real_now = real_now
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self.real_now() + self.offset

    def set(self, moment: datetime) -> None:
        self.admin.set_clock(moment)
        self.offset = moment - self.real_now()


class Replay:
    def __init__(self, clocks: Clocks) -> None:
        self.clocks = clocks
        self.numbers: dict[str, str] = {}
        # The numbers a step replaces (a corrected invoice takes over its story).
        self.previous: dict[str, str] = {}
        self.issued: dict[str, date] = {}
        self.atelier = Structure.objects.get(siret=steps.ATELIER)
        self.by_key = {story.key: story for story in stories.STORIES}

    def play(self, events: list[Event]) -> None:
        start = events[0].moment - timedelta(days=1)
        self.clocks.set(start.replace(hour=8, minute=30))
        self._join()
        waiting: set[str] = set()  # accounts with news for the beat
        for index, event in enumerate(events):
            self.clocks.set(event.moment)
            self.previous = {key: self.numbers.get(key, "") for key in event.numbers}
            self.numbers.update(event.numbers)
            for key in event.numbers:
                self.issued[key] = event.issued
            try:
                getattr(self, f"_{type(event.step).__name__.lower()}")(event.story, event.step)
            except Exception as error:
                raise DemoHistoryError(
                    f"{event.story.key}, {type(event.step).__name__} of "
                    f"{event.moment:%Y-%m-%d %H:%M}: {error}"
                ) from error
            waiting |= self._parties(event)
            following = events[index + 1].moment if index + 1 < len(events) else None
            if waiting and (following is None or following > event.moment + BEAT_DELAY):
                self.clocks.set(event.moment + BEAT_DELAY)
                self._beat(waiting)
                waiting = set()
        self.clocks.set(self.clocks.real_now())
        self._beat(EVERYONE)

    # the structures join the portal: their first syncs import what Chorus Pro already had
    def _join(self) -> None:
        connection = self._connection(steps.ATELIER)
        # What the daily own-structure refresh reads first: among it the bank accounts the
        # editor offers.
        directory_refresh_own_structure(connection=connection)
        # What the daily refresh reads: Chorus Pro's reference lists (the editor's pickers).
        reference_lists_refresh(connection=connection)
        # ... and the local copy of the recipient directory (lookups by SIRET answer from it).
        directory_copy_refresh(connection=connection)
        for siret in stories.DIRECTORY_LOOKUPS:
            directory_refresh_structure(connection=connection, siret=siret)
        for siret, templates in stories.REASON_TEMPLATES.items():
            for label, text, use in templates:
                reason_template_create(
                    structure=Structure.objects.get(siret=siret), label=label, text=text, use=use
                )
        self._beat(EVERYONE)

    def _beat(self, parties: set[str]) -> None:
        """What the beat's periodic tasks do for the accounts of ``parties`` (SIRETs): flow
        reports, the supplier's status sync, the recipients' inboxes, the validator's queue.
        The others have nothing new to fetch."""
        for flow_id in flows_due():
            flow_report_poll(flow_id=flow_id)
        if steps.ATELIER in parties:
            status_sync_for_connection(connection=self._connection(steps.ATELIER))
        for siret in (steps.COMMUNE, steps.DRFIP):
            if siret in parties:
                inbox_sync_for_connection(connection=self._connection(siret))
        for siret in (steps.MINISTERE, steps.RECTORAT):
            # What the Ministère validates may go on to the Rectorat (a second validation).
            if siret in parties or steps.MINISTERE in parties:
                validations_sync_for_connection(connection=self._connection(siret))

    def _parties(self, event: Event) -> set[str]:
        step = event.step
        if isinstance(step, (steps.Treat, steps.Refuse)) and step.by not in ACCOUNTS:
            # A decision made in the portal is recorded by the worker that carries it (it reads
            # the history back and tells the supplier), and nothing moves after it.
            return set()
        drafts = [event.story.draft]
        if isinstance(event.step, steps.Deposit):
            drafts = [self.by_key[key].draft for key in event.step.stories]
        return {siret for d in drafts for siret in (d.supplier, d.recipient, d.validator)}

    # -- supplier side --
    def _send(self, story: steps.Story, step: steps.Send) -> None:
        user = self._user(step.by)
        self._submit(self._draft(story, user), user)

    def _savedraft(self, story: steps.Story, step: steps.SaveDraft) -> None:
        self._draft(story, self._user(step.by))

    def _sendoutside(self, story: steps.Story, step: steps.SendOutside) -> None:
        outside_submit(story.draft, number=self.numbers[story.key], issued=self.issued[story.key])

    def _deposit(self, story: steps.Story, step: steps.Deposit) -> None:
        user = self._user(step.by)
        files = [
            (
                f"{self.numbers[key]}.xml",
                ubl_invoice(
                    self.by_key[key].draft,
                    number=self.numbers[key],
                    issued=self.issued[key],
                    seller_name=self.atelier.name,
                ),
            )
            for key in step.stories
        ]
        outcome = flow_upload(supplier=self.atelier, user=user, files=files)
        if outcome.refused or not outcome.flows:
            raise DemoHistoryError(f"files refused: {outcome.refused}")
        self._read_notifications(user)

    def _complete(self, story: steps.Story, step: steps.Complete) -> None:
        invoice = self._invoice(story)
        if step.by in ACCOUNTS:
            outside_complete(step.by, invoice.chorus_invoice_id, comment=step.comment)
            return
        user = self._user(step.by)
        document = SimpleUploadedFile(
            step.document,
            pdf_document(
                "Procès-verbal de réception",
                f"Facture {invoice.number} – {invoice.recipient.name}",
                "Prestation reçue conforme, sans réserve.",
            ),
            content_type="application/pdf",
        )
        outcome = invoice_complete(
            invoice=invoice, user=user, comment=step.comment, files=[document]
        )
        self._check_done(outcome.action)
        self._read_notifications(user, invoice)

    def _correct(self, story: steps.Story, step: steps.Correct) -> None:
        user = self._user(step.by)
        rejected = Invoice.objects.get(supplier=self.atelier, number=self.previous[story.key])
        self._read_notifications(user, rejected)
        draft = invoice_correction_create(invoice=rejected, user=user, acknowledge=True)
        routing = {"service_code": step.service, "commitment_number": step.commitment}
        self._update(
            draft,
            number=self.numbers[story.key],
            comment=step.comment,
            **({key: value for key, value in routing.items() if value}),
        )
        if step.price:
            line = draft.lines.order_by("position").first()
            self._line(line, price=step.price)
        self._submit(draft, user)

    def _correctvalidator(self, story: steps.Story, step: steps.CorrectValidator) -> None:
        user = self._user(step.by)
        invoice = self._invoice(story)
        self._read_notifications(user, invoice)
        self._check_done(
            invoice_validator_correct(invoice=invoice, user=user, validator_siret=step.validator)
        )

    def _creditnote(self, story: steps.Story, step: steps.CreditNote) -> None:
        user = self._user(step.by)
        note = invoice_credit_note_create(invoice=self._invoice(self.by_key[step.of]), user=user)
        self._update(note, number=self.numbers[story.key])
        for line in note.lines.all():
            invoice_line_remove(line=line)
        for line in story.draft.lines:
            self._line(invoice_line_add(invoice=note), line=line)
        self._submit(note, user)

    # -- public entities' side --
    def _treat(self, story: steps.Story, step: steps.Treat) -> None:
        invoice = self._invoice(story)
        if step.by in ACCOUNTS:
            outside_treat(
                step.by,
                invoice.chorus_invoice_id,
                step.status,
                motive=step.motive,
                mandate=step.mandate,
            )
            return
        user = self._user(step.by)
        if invoice_opened_by_recipient(invoice=invoice, user=user):
            invoice_pdf_fetch(user=user, structure=invoice.recipient, invoice=invoice)
        self._loaded(lambda: treatment_options(invoice=invoice))
        action = invoice_treat(
            invoice=invoice,
            user=user,
            target_status=step.status,
            motive=step.motive,
            mandate_number=step.mandate,
            confirmed=True,
        )
        self._check_done(action)
        self._read_notifications(user, invoice)

    def _validate(self, story: steps.Story, step: steps.Validate) -> None:
        user = self._user(step.by)
        invoice = self._invoice(story)
        structure = self._validator_of(user)
        self._check_done(
            invoice_validate(invoice=invoice, user=user, structure=structure, comment=step.comment)
        )
        self._read_notifications(user, invoice)

    def _refuse(self, story: steps.Story, step: steps.Refuse) -> None:
        user = self._user(step.by)
        invoice = self._invoice(story)
        structure = self._validator_of(user)
        self._loaded(lambda: invoice_refusal_reasons(invoice=invoice, structure=structure))
        self._check_done(
            invoice_refuse(
                invoice=invoice,
                user=user,
                structure=structure,
                reason_code=step.reason,
                comment=step.comment,
            )
        )
        self._read_notifications(user, invoice)

    # -- the editor, as a supplier types --
    def _draft(self, story: steps.Story, user: User) -> Invoice:
        draft = story.draft
        invoice = invoice_draft_create(supplier=self.atelier, user=user)
        issued = self.issued.get(story.key) or timezone.localdate()
        self._update(
            invoice,
            kind=Invoice.Kind.INVOICE,
            number=self.numbers.get(story.key, ""),
            recipient_siret=draft.recipient,
            service_code=draft.service,
            issue_date=issued.isoformat(),
            due_date=(issued + timedelta(days=30)).isoformat(),
            billing_framework=draft.framework,
            validator_siret=draft.validator,
            payment_mode=Invoice.PaymentMode.TRANSFER,
            bank_account_chorus_id=BANK_ACCOUNT,
            vat_regime=Invoice.VatRegime.ON_DEBITS,
            commitment_number=draft.commitment,
            comment=draft.comment,
        )
        for line in draft.lines:
            self._line(invoice_line_add(invoice=invoice), line=line)
        self._read_notifications(user)
        return invoice

    def _update(self, invoice: Invoice, **values: str) -> None:
        """Post the whole header form, as the editor does, with ``values`` changed."""
        form = invoice_draft_form(invoice=invoice)
        data = {name: _typed(form.initial.get(name)) for name in form.fields}
        data.update(values)
        change = invoice_draft_update(invoice=invoice, data=data)
        if not change.ok:
            raise DemoHistoryError(f"the editor refused {dict(change.form.errors)}")

    def _line(self, row: InvoiceLine, *, line: steps.Line | None = None, price: str = "") -> None:
        """Post the line's form, as the editor does, with the story's values or a new price."""
        form = invoice_line_form(line=row)
        values = {name: _typed(form.initial.get(name)) for name in form.fields}
        if line is not None:
            values.update(
                description=line.description,
                quantity=line.quantity,
                unit=line.unit,
                unit_price=line.price,
                discount="0",
                vat_rate=line.vat,
            )
        if price:
            values["unit_price"] = price
        change = invoice_line_update(
            line=row, data={form.add_prefix(name): value for name, value in values.items()}
        )
        if not change.ok:
            raise DemoHistoryError(f"the editor refused line {row.position}: {change.form.errors}")

    def _submit(self, invoice: Invoice, user: User) -> None:
        try:
            invoice_submit(invoice=invoice, user=user)
        except NotReady:
            failed = [c.label for c in invoice_preflight(invoice=invoice) if not c.ok]
            raise DemoHistoryError(f"not ready to send: {failed}") from None
        invoice.refresh_from_db()
        if invoice.status != Invoice.Status.SUBMITTED:
            raise DemoHistoryError(
                f"{invoice.number} not sent: {invoice.status} {invoice.submission_error_message}"
            )

    # -- lookups and checks --
    def _invoice(self, story: steps.Story) -> Invoice:
        supplier = story.draft.supplier
        return Invoice.objects.select_related("recipient", "supplier").get(
            supplier__siret=supplier, number=self.numbers[story.key]
        )

    @staticmethod
    def _user(username: str) -> User:
        return User.objects.get(username=username)

    @staticmethod
    def _validator_of(user: User) -> Structure:
        return Membership.objects.get(user=user, role=Membership.Role.VALIDATOR).structure

    @staticmethod
    def _connection(siret: str) -> ChorusConnection:
        return ChorusConnection.objects.select_related("structure").get(structure__siret=siret)

    @staticmethod
    def _loaded(read) -> None:
        """Chorus Pro's lists behind a decision: the first read has a worker fetch them, as the
        page does before it polls."""
        answer = read()
        if answer.loading:
            answer = read()
        if answer.values is None:
            raise DemoHistoryError(answer.error or "a Chorus Pro list did not load")

    @staticmethod
    def _check_done(action: InvoiceAction | None) -> None:
        if action is None:
            raise DemoHistoryError("nothing was queued")
        action.refresh_from_db()
        if action.status != InvoiceAction.Status.DONE:
            raise DemoHistoryError(
                f"{action.get_kind_display()} {action.status}: {action.error_code} "
                f"{action.error_message}"
            )

    def _read_notifications(self, user: User, invoice: Invoice | None = None) -> None:
        """Whoever comes to act has read the notices about the invoice, and the older ones."""
        older = Q(created_at__lt=self.clocks.now() - READ_AFTER)
        notifications_mark_read(
            notifications=notification_list_for_user(user=user).filter(
                older | Q(invoice=invoice) if invoice else older
            )
        )


def _typed(value) -> str:
    """A form value as the browser sends it."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
