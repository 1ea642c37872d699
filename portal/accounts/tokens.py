"""Signed, expiring links for e-mail confirmation, password reset and address change.

A token carries only the user id and a purpose-specific fingerprint: an HMAC over the
account state the link acts on. When that state changes (a new password, another
pending address), the fingerprint no longer matches and the link is dead. No address
or other personal data is in the token.
"""

import enum
import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from portal.accounts.models import User

RESET_MAX_AGE_SECONDS = 2 * 3600


class Purpose(enum.StrEnum):
    CONFIRM = "confirm-email"
    RESET = "reset-password"
    EMAIL_CHANGE = "change-email"


class TokenInvalid(Exception):
    """The link was forged, altered, already used or no longer fits the account."""


class TokenExpired(TokenInvalid):
    """The link was genuine but is too old."""


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"portal.accounts.{purpose}")


def _state(user: User, purpose: Purpose) -> list[str]:
    """The account state a token of `purpose` is bound to."""
    if purpose is Purpose.RESET:
        return [user.email, user.password_hash]
    if purpose is Purpose.EMAIL_CHANGE:
        return [user.email, user.pending_email or ""]
    return [user.email]


def fingerprint(user: User, purpose: Purpose) -> str:
    """HMAC of the bound state: reveals nothing without the secret key."""
    message = "\x1f".join([str(purpose), str(user.id), *_state(user, purpose)])
    key = current_app.secret_key.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


def max_age(purpose: Purpose) -> int:
    """Seconds a link stays valid: two hours for a reset, the configured age otherwise."""
    if purpose is Purpose.RESET:
        return current_app.config.get("PASSWORD_RESET_MAX_AGE_SECONDS", RESET_MAX_AGE_SECONDS)
    return current_app.config["TOKEN_MAX_AGE_SECONDS"]


def make_token(user: User, purpose: Purpose) -> str:
    return _serializer(purpose).dumps([user.id, fingerprint(user, purpose)])


def load_user(token: str, purpose: Purpose) -> User:
    """The user a valid token belongs to; raises TokenExpired or TokenInvalid."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age(purpose))
    except SignatureExpired as exc:
        raise TokenExpired() from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise TokenInvalid()
    user = User.get_or_none(User.id == payload[0])
    if user is None or not user.is_active:
        raise TokenInvalid()
    if not hmac.compare_digest(str(payload[1]), fingerprint(user, purpose)):
        raise TokenInvalid()
    return user
