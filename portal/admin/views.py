"""Administration: accounts and their roles."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.forms import ROLE_LABELS
from portal.admin import bp, services
from portal.admin.forms import RoleGrantForm
from portal.auth import role_required
from portal.htmx import is_htmx, render_page_or_fragment


@bp.get("/konten")
@role_required("admin")
def users():
    """Accounts with their roles; the search works as live search and as a plain GET form."""
    result = services.search_accounts(
        query=request.args.get("q", "")[:200], page=request.args.get("seite", 1, type=int)
    )
    return render_page_or_fragment(
        "admin/users.html",
        "admin/_user_list.html",
        result=result,
        role_labels=ROLE_LABELS,
        announce=is_htmx(),
    )


def _roles_panel(detail, form=None, status=200, message=None, error=None):
    """The account's role page, or only its role panel for htmx."""
    return render_page_or_fragment(
        "admin/user_roles.html",
        "admin/_roles.html",
        status,
        detail=detail,
        form=form or RoleGrantForm(formdata=None, events=detail.events),
        role_labels=ROLE_LABELS,
        message=message,
        error=error,
    )


def _changed(user_id: int, message: str, error: bool = False):
    """After a grant or revocation: the fresh panel for htmx, else a 303 to the page."""
    if is_htmx():
        detail = services.account_detail(user_id)
        if error:
            return _roles_panel(detail, status=422, error=message)
        return _roles_panel(detail, message=message)
    flash(message, "error" if error else "success")
    return redirect(url_for("admin.user_roles", user_id=user_id), 303)


@bp.get("/konten/<int:user_id>")
@role_required("admin")
def user_roles(user_id):
    """One account: its roles, a button to revoke each, and a form to grant another."""
    detail = services.account_detail(user_id) or abort(404)
    return _roles_panel(detail)


@bp.post("/konten/<int:user_id>/rollen")
@role_required("admin")
def grant_role(user_id):
    """Grant a role globally or for one event."""
    detail = services.account_detail(user_id) or abort(404)
    form = RoleGrantForm(events=detail.events)
    if form.validate_on_submit():
        try:
            grant = services.grant_role(
                user=detail.user, role=form.role.data, event_id=form.event_id, actor=current_user
            )
        except services.EventScopeNotAllowed:
            form.event.errors.append(_("Diese Rolle gilt immer für alle Veranstaltungen."))
        except services.RoleAlreadyGranted:
            form.role.errors.append(_("Das Konto hat diese Rolle hier bereits."))
        else:
            label = ROLE_LABELS[grant.role]
            return _changed(user_id, _("Rolle „%(role)s“ vergeben.", role=label))
    return _roles_panel(detail, form, status=422)


@bp.post("/konten/<int:user_id>/rollen/<int:grant_id>/entziehen")
@role_required("admin")
def revoke_role(user_id, grant_id):
    """Revoke one role; administrators cannot revoke their own admin role."""
    try:
        grant = services.revoke_role(user_id=user_id, grant_id=grant_id, actor=current_user)
    except services.AccountNotFound:
        abort(404)
    except services.OwnAdminRole:
        message = _("Ihre eigene Rolle „Administration“ können Sie nicht entziehen.")
        return _changed(user_id, message, error=True)
    return _changed(user_id, _("Rolle „%(role)s“ entzogen.", role=ROLE_LABELS[grant.role]))
