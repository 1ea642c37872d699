"""Travel claims, the organisers' pages: queue, review, settings and payment exports."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth import role_required
from portal.htmx import render_page_or_fragment
from portal.storage import send_upload
from portal.timeutil import now
from portal.travel import bp, exports, services
from portal.travel.forms import (
    ConfirmForm,
    ExportForm,
    QueryForm,
    QueueFilterForm,
    RejectForm,
    SettingsForm,
    approve_form,
)

ORGANISER = "/organisation/veranstaltungen/<slug>/reisekosten"
DOWNLOADS = {
    "sepa.xml": "application/xml",
    "auszahlung.csv": exports.FORMATS["csv"],
    "auszahlung.xlsx": exports.FORMATS["xlsx"],
}


def _user():
    return current_user._get_current_object()


def _event_or_404(slug):
    return services.get_event(slug) or abort(404)


def _event_claim_or_404(slug, claim_id):
    event = _event_or_404(slug)
    return event, services.get_event_claim(event, claim_id) or abort(404)


def _back_to_claim(slug, claim_id, message, category="success"):
    flash(message, category)
    return redirect(url_for("travel.review_claim", slug=slug, claim_id=claim_id), 303)


def _review_response(event, claim, status=200, **forms):
    """The review page; a failed form is passed in with its errors and what was typed."""
    page = services.claim_page(claim)
    forms.setdefault("query_form", QueryForm(formdata=None))
    forms.setdefault("reject_form", RejectForm(formdata=None))
    forms.setdefault("approve_form", approve_form(page.items, formdata=None))
    return render_template(
        "travel/admin_claim.html",
        event=event,
        page=page,
        first_approver=claim.first_approver if claim.first_approver_id else None,
        **forms,
    ), status


@bp.get(ORGANISER)
@role_required("organiser")
def queue(slug):
    """Claims of an event with filters, counts and sums per state."""
    event = _event_or_404(slug)
    form = QueueFilterForm(request.args)
    result = services.claim_queue(event, services.QueueFilters(**form.filters()))
    return render_page_or_fragment(
        "travel/admin_queue.html", "travel/_queue.html", event=event, form=form, queue=result
    )


@bp.get(ORGANISER + "/<int:claim_id>")
@role_required("organiser")
def review_claim(slug, claim_id):
    """One claim: items with their rule and receipts, history and the review actions."""
    event, claim = _event_claim_or_404(slug, claim_id)
    return _review_response(event, claim)


@bp.post(ORGANISER + "/<int:claim_id>/pruefung")
@role_required("organiser")
def start_review(slug, claim_id):
    """Take a submitted claim into review."""
    event, claim = _event_claim_or_404(slug, claim_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.start_review(claim, reviewer=_user())
    except services.ClaimError as exc:
        return _back_to_claim(slug, claim_id, exc.message, "error")
    return _back_to_claim(slug, claim_id, _("Der Antrag ist jetzt in Prüfung."))


@bp.post(ORGANISER + "/<int:claim_id>/rueckfrage")
@role_required("organiser")
def send_query(slug, claim_id):
    """Send the claim back with a question."""
    event, claim = _event_claim_or_404(slug, claim_id)
    form = QueryForm()
    if form.validate_on_submit():
        try:
            services.send_query(claim, reviewer=_user(), question=form.question.data)
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except services.ClaimError as exc:
            return _back_to_claim(slug, claim_id, exc.message, "error")
        else:
            return _back_to_claim(slug, claim_id, _("Die Rückfrage ist versandt."))
    return _review_response(event, claim, 422, query_form=form)


@bp.post(ORGANISER + "/<int:claim_id>/ablehnung")
@role_required("organiser")
def reject_claim(slug, claim_id):
    """Reject with a reason."""
    event, claim = _event_claim_or_404(slug, claim_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject_claim(claim, reviewer=_user(), reason=form.reason.data)
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except services.ClaimError as exc:
            return _back_to_claim(slug, claim_id, exc.message, "error")
        else:
            return _back_to_claim(slug, claim_id, _("Der Antrag ist abgelehnt."))
    return _review_response(event, claim, 422, reject_form=form)


@bp.post(ORGANISER + "/<int:claim_id>/bewilligung")
@role_required("organiser")
def approve_claim(slug, claim_id):
    """Approve (amount and note per item), or give the second approval."""
    event, claim = _event_claim_or_404(slug, claim_id)
    second = claim.first_approver_id is not None
    form = ConfirmForm() if second else approve_form(services.items_with_receipts(claim))
    if form.validate_on_submit():
        try:
            amounts = None if second else form.amounts()
            notes = None if second else form.notes()
            claim = services.approve_claim(claim, reviewer=_user(), amounts=amounts, notes=notes)
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except services.ClaimError as exc:
            return _back_to_claim(slug, claim_id, exc.message, "error")
        else:
            if claim.state == services.State.IN_REVIEW:
                message = _("Erste Freigabe erteilt. Eine zweite Person muss noch freigeben.")
            else:
                message = _("Der Antrag ist bewilligt (%(state)s).", state=claim.state_label)
            return _back_to_claim(slug, claim_id, message)
    if second:
        abort(400)
    return _review_response(event, claim, 422, approve_form=form)


@bp.get(ORGANISER + "/<int:claim_id>/belege/<int:receipt_id>")
@role_required("organiser")
def review_receipt(slug, claim_id, receipt_id):
    """A receipt of the claim, as a download."""
    event, claim = _event_claim_or_404(slug, claim_id)
    receipt = services.get_claim_receipt(claim, receipt_id) or abort(404)
    return send_upload(receipt.file)


@bp.route(ORGANISER + "/einstellungen", methods=["GET", "POST"])
@role_required("organiser")
def edit_settings(slug):
    """Rates, cap, threshold of the second approval, deadline and the paying account."""
    event = _event_or_404(slug)
    settings = services.settings_for(event)
    window = services.claim_window(event)
    form = SettingsForm(
        data={
            "car_rate": settings.car_rate_cents,
            "car_cap": settings.car_cap_cents,
            "hotel_night": settings.hotel_night_cents,
            "second_approval": settings.second_approval_cents,
            "deadline_on": window.closes_at.date(),
            "debtor_name": settings.debtor_name,
            "debtor_iban": settings.debtor_iban,
            "debtor_bic": settings.debtor_bic,
        }
    )
    if form.validate_on_submit():
        try:
            services.update_settings(event, actor=_user(), **form.values())
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        else:
            flash(_("Die Einstellungen sind gespeichert."), "success")
            return redirect(url_for("travel.edit_settings", slug=slug), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "travel/admin_settings.html", event=event, form=form, window=window, settings=settings
    ), status


@bp.route(ORGANISER + "/zahlungen", methods=["GET", "POST"])
@role_required("organiser")
def payments(slug):
    """Approved, unpaid claims; create a SEPA file of them; earlier files."""
    event = _event_or_404(slug)
    form = ExportForm(data={"execution_date": services.next_business_day(now().date())})
    if form.validate_on_submit():
        try:
            export = services.create_export(
                event, actor=_user(), execution_date=form.execution_date.data
            )
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except services.ClaimError as exc:
            flash(exc.message, "error")
            return redirect(url_for("travel.payments", slug=slug), 303)
        else:
            flash(_("Die Zahlungsdatei ist erstellt und gegen das Schema geprüft."), "success")
            return redirect(url_for("travel.show_export", slug=slug, export_id=export.id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "travel/admin_payments.html", event=event, form=form, page=services.export_page(event)
    ), status


def _export_or_404(slug, export_id):
    event = _event_or_404(slug)
    return event, services.get_event_export(event, export_id) or abort(404)


@bp.get(ORGANISER + "/zahlungen/<int:export_id>")
@role_required("organiser")
def show_export(slug, export_id):
    """One payment file: its claims, downloads, marking it as paid or discarding it."""
    event, export = _export_or_404(slug, export_id)
    return render_template(
        "travel/admin_export.html",
        event=event,
        export=export,
        claims=services.export_claims(export),
    )


DOWNLOAD_RULE = "<any(" + ", ".join(f"'{n}'" for n in DOWNLOADS) + "):name>"


@bp.get(ORGANISER + "/zahlungen/<int:export_id>/" + DOWNLOAD_RULE)
@role_required("organiser")
def download_export(slug, export_id, name):
    """The SEPA file as created, or the cash office's list (CSV/XLSX)."""
    event, export = _export_or_404(slug, export_id)
    if name == "sepa.xml":
        content = services.sepa_file(export)
    else:
        content = services.payment_list(export, name.rsplit(".", 1)[1])
    response = make_response(content)
    response.headers["Content-Type"] = DOWNLOADS[name]
    filename = f"reisekosten-{event.slug}-{export.id}-{name}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post(ORGANISER + "/zahlungen/<int:export_id>/bezahlt")
@role_required("organiser")
def mark_export_paid(slug, export_id):
    """The bank has executed the file: its claims become "paid"."""
    event, export = _export_or_404(slug, export_id)
    return _export_action(slug, export, services.mark_export_paid, _("Als ausgezahlt markiert."))


@bp.post(ORGANISER + "/zahlungen/<int:export_id>/verwerfen")
@role_required("organiser")
def cancel_export(slug, export_id):
    """Discard an unpaid file: its claims can be exported again."""
    event, export = _export_or_404(slug, export_id)
    message = _("Die Zahlungsdatei ist verworfen.")
    return _export_action(slug, export, services.cancel_export, message)


def _export_action(slug, export, action, message):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        action(export, actor=_user())
    except services.ClaimError as exc:
        flash(exc.message, "error")
    else:
        flash(message, "success")
    return redirect(url_for("travel.show_export", slug=slug, export_id=export.id), 303)
