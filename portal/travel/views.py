"""Travel claims, the claimant's pages: my claims, the claim, journey, costs, bank, submit.

Another person's claim or receipt is a 404. Every page is sent with Cache-Control: no-store
(bank details and receipts). Organiser pages are in organiser.py.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.storage import UploadError, UploadTooLarge, send_upload
from portal.travel import bp, services
from portal.travel.forms import BankForm, ItemForm, JourneyForm, ReceiptForm, SubmitForm
from portal.travel.models import STATE_LABELS

# Receipt uploads get a smaller body limit than the app's, checked before the body is read.
UPLOAD_ENDPOINTS = frozenset({"travel.add_item", "travel.add_receipts"})


def _user():
    return current_user._get_current_object()


@bp.url_value_preprocessor
def _limit_uploads(endpoint, values):
    """Cap receipt uploads early: this runs before the app's before_request reads the form."""
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = services.upload_request_limit()


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _travel_context():
    return {"state_labels": STATE_LABELS}


def _claim_or_404(claim_id):
    return services.get_own_claim(_user(), claim_id) or abort(404)


def _refused(exc, claim_id):
    """A refused action on a claim: flash the German reason, back to the claim (303)."""
    flash(exc.message, "error")
    return redirect(url_for("travel.show_claim", claim_id=claim_id), 303)


def _claim_response(claim, status=200, **forms):
    """The claim page; a failed form is passed in to show its errors and what was typed."""
    forms.setdefault("submit_form", SubmitForm(formdata=None))
    forms.setdefault("receipt_form", ReceiptForm(formdata=None))
    page = services.claim_page(claim, for_claimant=True)
    return render_template("travel/claim.html", page=page, **forms), status


@bp.get("/reisekosten/")
@login_required
def index():
    """My reimbursement claims, one per registration that asked for reimbursement."""
    return render_template("travel/index.html", rows=services.my_claims(_user()))


@bp.post("/reisekosten/anmeldungen/<int:registration_id>/antrag")
@login_required
def start_claim(registration_id):
    """Open a draft claim for one of my registrations."""
    registration = services.get_own_registration(_user(), registration_id) or abort(404)
    try:
        claim = services.start_claim(registration, user=_user())
    except services.ClaimExists as exc:
        flash(exc.message, "info")
        return redirect(url_for("travel.show_claim", claim_id=exc.claim.id), 303)
    except services.ClaimError as exc:
        flash(exc.message, "error")
        return redirect(url_for("travel.index"), 303)
    message = _("Ihr Antrag ist angelegt. Sie können ihn jederzeit speichern und fortsetzen.")
    flash(message, "success")
    return redirect(url_for("travel.show_claim", claim_id=claim.id), 303)


@bp.get("/reisekosten/antraege/<int:claim_id>")
@login_required
def show_claim(claim_id):
    """The claim: state, journey, costs with receipts, bank details and submission."""
    return _claim_response(_claim_or_404(claim_id))


@bp.route("/reisekosten/antraege/<int:claim_id>/reise", methods=["GET", "POST"])
@login_required
def edit_journey(claim_id):
    """From, to, outward and return date."""
    claim = _claim_or_404(claim_id)
    form = JourneyForm(obj=claim)
    if form.validate_on_submit():
        try:
            services.save_journey(claim, user=_user(), **form.values())
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except services.ClaimError as exc:
            return _refused(exc, claim_id)
        else:
            flash(_("Die Angaben zur Reise sind gespeichert."), "success")
            return redirect(url_for("travel.show_claim", claim_id=claim_id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("travel/journey_form.html", claim=claim, form=form), status


@bp.route("/reisekosten/antraege/<int:claim_id>/positionen/neu", methods=["GET", "POST"])
@login_required
def add_item(claim_id):
    """Add a cost with its receipts (a car journey: kilometres, computed by the portal)."""
    claim = _claim_or_404(claim_id)
    form = ItemForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            services.add_item(claim, user=_user(), files=form.receipts.data, **form.values())
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except UploadError as exc:
            form.receipts.errors.append(str(exc))
            status = 413 if isinstance(exc, UploadTooLarge) else 422
        except services.ClaimError as exc:
            return _refused(exc, claim_id)
        else:
            flash(_("Die Position ist gespeichert."), "success")
            return redirect(url_for("travel.show_claim", claim_id=claim_id), 303)
    settings = services.settings_for(claim.event)
    return render_template(
        "travel/item_form.html", claim=claim, form=form, settings=settings
    ), status


@bp.post("/reisekosten/antraege/<int:claim_id>/positionen/<int:item_id>/belege")
@login_required
def add_receipts(claim_id, item_id):
    """Add receipts to a cost."""
    claim = _claim_or_404(claim_id)
    item = services.get_claim_item(claim, item_id) or abort(404)
    form = ReceiptForm()
    status = 422
    if form.validate_on_submit():
        try:
            services.add_receipts(item, user=_user(), files=form.receipts.data)
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except UploadError as exc:
            form.receipts.errors.append(str(exc))
            status = 413 if isinstance(exc, UploadTooLarge) else 422
        except services.ClaimError as exc:
            return _refused(exc, claim_id)
        else:
            flash(_("Die Belege sind gespeichert."), "success")
            return redirect(url_for("travel.show_claim", claim_id=claim_id), 303)
    return _claim_response(claim, status, receipt_form=form, receipt_item_id=item.id)


@bp.post("/reisekosten/antraege/<int:claim_id>/positionen/<int:item_id>/loeschen")
@login_required
def delete_item(claim_id, item_id):
    """Remove a cost and its receipts."""
    claim = _claim_or_404(claim_id)
    item = services.get_claim_item(claim, item_id) or abort(404)
    try:
        services.delete_item(item, user=_user())
    except services.ClaimError as exc:
        return _refused(exc, claim_id)
    flash(_("Die Position ist gelöscht."), "success")
    return redirect(url_for("travel.show_claim", claim_id=claim_id), 303)


@bp.post("/reisekosten/antraege/<int:claim_id>/belege/<int:receipt_id>/loeschen")
@login_required
def delete_receipt(claim_id, receipt_id):
    """Remove one receipt."""
    claim = _claim_or_404(claim_id)
    receipt = services.get_claim_receipt(claim, receipt_id) or abort(404)
    try:
        services.delete_receipt(receipt, user=_user())
    except services.ClaimError as exc:
        return _refused(exc, claim_id)
    flash(_("Der Beleg ist gelöscht."), "success")
    return redirect(url_for("travel.show_claim", claim_id=claim_id), 303)


@bp.get("/reisekosten/antraege/<int:claim_id>/belege/<int:receipt_id>")
@login_required
def download_receipt(claim_id, receipt_id):
    """One of my receipts, as a download."""
    claim = _claim_or_404(claim_id)
    receipt = services.get_claim_receipt(claim, receipt_id) or abort(404)
    return send_upload(receipt.file)


@bp.route("/reisekosten/antraege/<int:claim_id>/bankverbindung", methods=["GET", "POST"])
@login_required
def edit_bank(claim_id):
    """Account holder and IBAN; changing them needs the password (the IBAN is never shown)."""
    claim = _claim_or_404(claim_id)
    form = BankForm(data={"account_holder": claim.account_holder})
    if form.validate_on_submit():
        try:
            services.save_bank_details(
                claim,
                user=_user(),
                account_holder=form.account_holder.data,
                iban=form.iban.data,
                password=form.password.data,
            )
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except services.ClaimError as exc:
            return _refused(exc, claim_id)
        else:
            flash(_("Die Bankverbindung ist gespeichert."), "success")
            return redirect(url_for("travel.show_claim", claim_id=claim_id), 303)
    status = 422 if form.is_submitted() else 200
    return render_template("travel/bank_form.html", claim=claim, form=form), status


@bp.post("/reisekosten/antraege/<int:claim_id>/einreichen")
@login_required
def submit_claim(claim_id):
    """Submit (or resubmit after a query) with the declaration that the details are true."""
    claim = _claim_or_404(claim_id)
    form = SubmitForm()
    if form.validate_on_submit():
        try:
            services.submit_claim(
                claim, user=_user(), declaration=form.declaration.data, answer=form.answer.data
            )
        except services.ClaimInvalid as exc:
            form.bind_errors(exc.errors)
        except services.ClaimIncomplete as exc:
            form.form_errors.extend(exc.problems)
        except services.ClaimError as exc:
            return _refused(exc, claim_id)
        else:
            message = _("Ihr Antrag ist eingereicht. Sie erhalten eine Bestätigung per E-Mail.")
            flash(message, "success")
            return redirect(url_for("travel.show_claim", claim_id=claim_id), 303)
    return _claim_response(claim, 422, submit_form=form)


from portal.travel import organiser  # noqa: E402, F401  (attaches the organisers' routes)
