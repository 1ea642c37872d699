"""Signed, expiring invitation links that carry only the invitation id and its nonce.

The signature's timestamp comes from portal.timeutil.now(), so the portal's clock (and a
frozen clock in tests) decides when a link has expired.
"""

import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from portal.speakers.models import SpeakerInvitation
from portal.timeutil import aware, now

DEFAULT_MAX_AGE_SECONDS = 14 * 24 * 3600


class InvitationLinkInvalid(Exception):
    """The link was forged, altered or replaced by a newer one."""


class InvitationLinkExpired(InvitationLinkInvalid):
    """The link was genuine but is too old."""


class _PortalClockSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(aware(now()).timestamp())


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.secret_key, salt="portal.speakers.invitation", signer=_PortalClockSigner
    )


def max_age() -> int:
    """Seconds an invitation link stays valid (14 days unless configured)."""
    return current_app.config.get("SPEAKER_INVITATION_MAX_AGE_SECONDS", DEFAULT_MAX_AGE_SECONDS)


def make_token(invitation: SpeakerInvitation) -> str:
    return _serializer().dumps([invitation.id, invitation.nonce])


def load_invitation(token: str) -> SpeakerInvitation:
    """The invitation of a valid link; raises InvitationLinkExpired or InvitationLinkInvalid."""
    try:
        payload = _serializer().loads(token, max_age=max_age())
    except SignatureExpired as exc:
        raise InvitationLinkExpired() from exc
    except BadSignature as exc:
        raise InvitationLinkInvalid() from exc
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        raise InvitationLinkInvalid()
    invitation = SpeakerInvitation.get_or_none(SpeakerInvitation.id == payload[0])
    if invitation is None or not hmac.compare_digest(str(payload[1]), invitation.nonce):
        raise InvitationLinkInvalid()
    return invitation
