"""Offer links: the offer id and a random nonce, signed; no personal data, no expiry inside.

Whether an offer is still open is decided by its row (state, expires_at), not by the link.
"""

import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from portal.allocation.models import SeatOffer


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="portal.allocation.offer")


def make_token(offer: SeatOffer) -> str:
    return _serializer().dumps([offer.id, offer.nonce])


def load_offer(token: str) -> SeatOffer | None:
    """The offer of a genuine link, or None (forged, altered or unknown)."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        return None
    offer = SeatOffer.get_or_none(SeatOffer.id == payload[0])
    if offer is None or not hmac.compare_digest(str(payload[1]), offer.nonce):
        return None
    return offer
