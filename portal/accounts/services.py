"""Accounts: registration, confirmation, login with rate limits, password and address changes.

No function here tells a caller whether an address belongs to an account unless the caller
has proved control of that account (its password or a link mailed to it): registration,
resending links and password reset behave the same for known and unknown addresses.
"""

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask import current_app, url_for
from peewee import JOIN, IntegrityError, fn

from portal import audit
from portal.accounts import passwords
from portal.accounts.models import LoginFailure, Role, RoleGrant, User
from portal.accounts.tokens import Purpose, TokenInvalid, load_user, make_token, max_age
from portal.events.models import Event
from portal.extensions import db
from portal.mailer import queue_mail
from portal.timeutil import now

ROLE_ORDER = list(Role)


class WrongPassword(Exception):
    """The current password given to confirm a change is wrong."""


class TooManyAttempts(Exception):
    """Too many failed password attempts within the window: try again later."""


class SameAddress(Exception):
    """The requested new address is the current one."""


class AddressTaken(Exception):
    """The confirmed new address belongs to another account by now."""


class LoginStatus(enum.StrEnum):
    OK = "ok"
    INVALID = "invalid"
    UNCONFIRMED = "unconfirmed"
    LOCKED = "locked"


@dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    user: User | None = None


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _link(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def _hours(purpose: Purpose) -> int:
    return max(max_age(purpose) // 3600, 1)


# --- accounts ---------------------------------------------------------------------------


def _insert_user(*, email, name, password_hash, roles, confirmed) -> User:
    with db.atomic():
        user = User.create(
            email=normalize_email(email),
            name=name.strip(),
            password_hash=password_hash,
            email_confirmed_at=now() if confirmed else None,
        )
        for role in roles:
            RoleGrant.create(user=user, role=role)
    return user


def create_user(*, email, name, password, roles=(Role.ATTENDEE,), confirmed=False) -> User:
    """Create an account with global roles; raises IntegrityError when the address is taken."""
    return _insert_user(
        email=email,
        name=name,
        password_hash=passwords.hash_password(password),
        roles=roles,
        confirmed=confirmed,
    )


def _send_confirmation(user: User) -> None:
    queue_mail(
        user.email,
        "account_confirm",
        user=user,
        link=_link("accounts.confirm", token=make_token(user, Purpose.CONFIRM)),
        valid_hours=_hours(Purpose.CONFIRM),
    )


def _notify_existing_owner(email: str) -> None:
    """Tell the owner of `email` that someone tried to register it again."""
    owner = User.get(User.email == email)
    confirm_link = None
    if not owner.confirmed:
        confirm_link = _link("accounts.confirm", token=make_token(owner, Purpose.CONFIRM))
    queue_mail(
        owner.email,
        "account_exists",
        user=owner,
        login_link=_link("accounts.login"),
        reset_link=_link("accounts.forgot_password"),
        confirm_link=confirm_link,
    )


def register(*, name: str, email: str, password: str) -> None:
    """Create an unconfirmed attendee and mail the link; a known address gets a notice instead."""
    email = normalize_email(email)
    password_hash = passwords.hash_password(password)  # hashed either way: same work, same time
    with db.atomic():
        try:
            user = _insert_user(
                email=email,
                name=name,
                password_hash=password_hash,
                roles=(Role.ATTENDEE,),
                confirmed=False,
            )
        except IntegrityError:
            _notify_existing_owner(email)
            return
        _send_confirmation(user)


def confirm_email(*, token: str) -> User:
    """Mark the address of the token's user confirmed; raises TokenExpired or TokenInvalid."""
    user = load_user(token, Purpose.CONFIRM)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now()
        User.update(email_confirmed_at=user.email_confirmed_at).where(
            (User.id == user.id) & User.email_confirmed_at.is_null()
        ).execute()
    return user


def resend_confirmation(*, email: str) -> None:
    """Mail a new confirmation link if `email` belongs to an unconfirmed account."""
    user = User.get_or_none(User.email == normalize_email(email))
    if user is not None and user.is_active and not user.confirmed:
        with db.atomic():
            _send_confirmation(user)


def roles_of(user: User) -> list[RoleGrant]:
    """The user's grants, each with its event (or None), in role order."""
    grants = list(
        RoleGrant.select(RoleGrant, Event)
        .join(Event, JOIN.LEFT_OUTER)
        .where(RoleGrant.user == user.id)
    )
    return sorted(
        grants,
        key=lambda g: (ROLE_ORDER.index(g.role), g.event is not None, g.event_id or 0),
    )


# --- login and its rate limit -------------------------------------------------------------


def _failure_key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def account_key(email: str) -> str:
    """Rate-limit key of an account: a hash, never the clear address."""
    return _failure_key("acct", normalize_email(email))


def address_key(address: str | None) -> str:
    """Rate-limit key of a client address: a hash, never the clear IP."""
    return _failure_key("addr", address or "unknown")


def _window_start():
    return now() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])


def lock_minutes() -> int:
    return max(current_app.config["LOGIN_WINDOW_SECONDS"] // 60, 1)


def prune_login_failures() -> int:
    """Delete failures older than the window; returns how many went."""
    return LoginFailure.delete().where(LoginFailure.at < _window_start()).execute()


def _is_locked(limits: dict[str, int]) -> bool:
    """True when any key has reached its limit of failures within the window."""
    rows = (
        LoginFailure.select(LoginFailure.key, fn.COUNT(LoginFailure.id).alias("n"))
        .where(LoginFailure.key.in_(list(limits)) & (LoginFailure.at >= _window_start()))
        .group_by(LoginFailure.key)
        .tuples()
    )
    return any(count >= limits[key] for key, count in rows)


def _record_failure(keys) -> None:
    at = now()
    LoginFailure.insert_many([{"key": key, "at": at} for key in keys]).execute()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against for unknown addresses, so they take as long as known ones."""
    return passwords.hash_password(secrets.token_urlsafe(16))


def authenticate(*, email: str, password: str, address: str | None) -> LoginResult:
    """Check a login attempt against the password and the per-account and per-address limits."""
    email = normalize_email(email)
    config = current_app.config
    limits = {
        account_key(email): config["LOGIN_MAX_FAILURES_ACCOUNT"],
        address_key(address): config["LOGIN_MAX_FAILURES_ADDRESS"],
    }
    prune_login_failures()
    if _is_locked(limits):
        return LoginResult(LoginStatus.LOCKED)
    user = User.get_or_none(User.email == email)
    valid = passwords.verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not valid or not user.is_active:
        _record_failure(limits)
        return LoginResult(LoginStatus.LOCKED if _is_locked(limits) else LoginStatus.INVALID)
    if not user.confirmed:
        return LoginResult(LoginStatus.UNCONFIRMED, user)
    updates = {User.last_login_at: now()}
    if passwords.needs_rehash(user.password_hash):
        updates[User.password_hash] = passwords.hash_password(password)
    with db.atomic():
        User.update(updates).where(User.id == user.id).execute()
        LoginFailure.delete().where(LoginFailure.key == account_key(email)).execute()
    return LoginResult(LoginStatus.OK, User.get_by_id(user.id))


def end_sessions(user: User) -> User:
    """Bump the session version: every session of the user ends (logout everywhere)."""
    User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
    return User.get_by_id(user.id)


def _check_current_password(user: User, password: str) -> None:
    """Verify the password of a logged-in user; failures count towards the account's limit."""
    limits = {account_key(user.email): current_app.config["LOGIN_MAX_FAILURES_ACCOUNT"]}
    if _is_locked(limits):
        raise TooManyAttempts()
    if not passwords.verify_password(user.password_hash, password):
        _record_failure(limits)
        raise TooManyAttempts() if _is_locked(limits) else WrongPassword()


# --- passwords ----------------------------------------------------------------------------


def request_password_reset(*, email: str) -> None:
    """Mail a reset link (valid two hours, single use) if `email` belongs to an account."""
    user = User.get_or_none(User.email == normalize_email(email))
    if user is None or not user.is_active:
        return
    with db.atomic():
        queue_mail(
            user.email,
            "account_reset",
            user=user,
            link=_link("accounts.reset_password", token=make_token(user, Purpose.RESET)),
            valid_hours=_hours(Purpose.RESET),
        )


def check_reset_token(*, token: str) -> User:
    """The user of a reset link; raises TokenExpired or TokenInvalid."""
    return load_user(token, Purpose.RESET)


def _notify_password_changed(user: User) -> None:
    queue_mail(
        user.email,
        "account_password_changed",
        user=user,
        changed_at=now(),
        reset_link=_link("accounts.forgot_password"),
    )


def reset_password(*, token: str, password: str) -> User:
    """Set a new password from a reset link; ends every session and confirms the address."""
    user = load_user(token, Purpose.RESET)
    new_hash = passwords.hash_password(password)
    with db.atomic():
        # The old hash in the WHERE makes the link single-use even for two parallel posts.
        changed = (
            User.update(
                password_hash=new_hash,
                session_version=User.session_version + 1,
                email_confirmed_at=fn.COALESCE(User.email_confirmed_at, now()),
            )
            .where((User.id == user.id) & (User.password_hash == user.password_hash))
            .execute()
        )
        if changed != 1:
            raise TokenInvalid()
        LoginFailure.delete().where(LoginFailure.key == account_key(user.email)).execute()
        _notify_password_changed(user)
    return User.get_by_id(user.id)


def change_password(user: User, *, current_password: str, new_password: str) -> User:
    """Change the password of a logged-in user; every other session ends."""
    _check_current_password(user, current_password)
    new_hash = passwords.hash_password(new_password)
    with db.atomic():
        User.update(password_hash=new_hash, session_version=User.session_version + 1).where(
            User.id == user.id
        ).execute()
        _notify_password_changed(user)
    return User.get_by_id(user.id)


# --- e-mail address -----------------------------------------------------------------------


def request_email_change(user: User, *, new_email: str, current_password: str) -> None:
    """Park the new address and mail a link to it, plus a notice to the old address.

    A taken address gets the same visible outcome; its owner receives a notice instead
    of a link, so the requester learns nothing about other accounts.
    """
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise SameAddress()
    _check_current_password(user, current_password)
    with db.atomic():
        User.update(pending_email=new_email).where(User.id == user.id).execute()
        user.pending_email = new_email
        owner = User.get_or_none(User.email == new_email)
        if owner is None:
            queue_mail(
                new_email,
                "account_email_change",
                user=user,
                link=_link(
                    "accounts.confirm_email_change", token=make_token(user, Purpose.EMAIL_CHANGE)
                ),
                valid_hours=_hours(Purpose.EMAIL_CHANGE),
            )
        else:
            queue_mail(
                new_email,
                "account_email_taken",
                user=owner,
                login_link=_link("accounts.login"),
                reset_link=_link("accounts.forgot_password"),
            )
        queue_mail(
            user.email,
            "account_email_change_notice",
            user=user,
            new_email=new_email,
            reset_link=_link("accounts.forgot_password"),
        )


def confirm_email_change(*, token: str) -> User:
    """Switch to the pending address; raises TokenExpired, TokenInvalid or AddressTaken."""
    user = load_user(token, Purpose.EMAIL_CHANGE)
    if not user.pending_email:
        raise TokenInvalid()
    try:
        with db.atomic():
            User.update(
                email=user.pending_email, pending_email=None, email_confirmed_at=now()
            ).where(User.id == user.id).execute()
            audit.record("account.email_changed", user, actor=user)
    except IntegrityError:
        User.update(pending_email=None).where(User.id == user.id).execute()
        raise AddressTaken() from None
    return User.get_by_id(user.id)
