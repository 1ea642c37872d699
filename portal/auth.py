"""Who is logged in and what they may do: the user loader, roles and guards."""

from functools import wraps

from flask import abort, current_app, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import Role, RoleGrant, User
from portal.extensions import login_manager

login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(token: str):
    """Load the user of a session; a stale session version means the session has ended."""
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def _grants() -> set[tuple[str, int | None]]:
    """The current user's (role, event_id) pairs, loaded once per request."""
    if not current_user.is_authenticated:
        return set()
    if "role_grants" not in g:
        rows = RoleGrant.select(RoleGrant.role, RoleGrant.event).where(
            RoleGrant.user == current_user.id
        )
        g.role_grants = {(str(r.role), r.event_id) for r in rows}
    return g.role_grants


def has_role(role: str | Role, event=None) -> bool:
    """True for a global grant of `role`, or a grant for `event` when one is given."""
    grants = _grants()
    role = str(role)
    if (role, None) in grants:
        return True
    if event is not None:
        return (role, getattr(event, "id", event)) in grants
    return False


def has_role_anywhere(role: str | Role) -> bool:
    return any(r == str(role) for r, _ in _grants())


def role_required(*roles: Role | str):
    """Allow the view to users holding one of `roles` globally; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not any(has_role(r) for r in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def dev_mailbox_visible() -> bool:
    return bool(current_app.config["MAIL_DEV_MAILBOX"]) and has_role(Role.ORGANISER)


def init_app(app):
    app.jinja_env.globals.update(
        has_role=has_role,
        has_role_anywhere=has_role_anywhere,
        dev_mailbox_visible=dev_mailbox_visible,
    )
