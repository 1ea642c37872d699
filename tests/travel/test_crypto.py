"""IBANs at rest: AES-GCM with the configured key, bound to their record; masked display."""

import base64

import pytest

from portal.travel import crypto
from tests.travel.helpers import IBAN, IBAN_MASKED


def test_encrypt_and_decrypt_round_trip(app):
    token = crypto.encrypt(IBAN, context="travel-claim:1")
    assert token.startswith("v1:")
    assert IBAN not in token
    assert crypto.decrypt(token, context="travel-claim:1") == IBAN


def test_encrypting_twice_gives_different_tokens(app):
    assert crypto.encrypt(IBAN, context="c") != crypto.encrypt(IBAN, context="c")


def test_token_of_another_record_does_not_decrypt(app):
    token = crypto.encrypt(IBAN, context="travel-claim:1")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="travel-claim:2")


def test_tampered_token_does_not_decrypt(app):
    token = crypto.encrypt(IBAN, context="c")
    raw = bytearray(base64.urlsafe_b64decode(token[3:]))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("v1:" + base64.urlsafe_b64encode(bytes(raw)).decode(), context="c")


def test_configured_key_is_used_instead_of_the_derived_one(app):
    derived = crypto.key()
    token = crypto.encrypt(IBAN, context="c")
    app.config["IBAN_KEY"] = base64.urlsafe_b64encode(b"k" * 32).decode()
    assert crypto.key() == b"k" * 32
    assert crypto.key() != derived
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="c")


def test_configured_key_may_be_hex(app):
    app.config["IBAN_KEY"] = "ab" * 32
    assert crypto.key() == bytes.fromhex("ab" * 32)


def test_configured_key_of_wrong_length_is_refused(app):
    app.config["IBAN_KEY"] = base64.urlsafe_b64encode(b"short").decode()
    with pytest.raises(RuntimeError, match="32 bytes"):
        crypto.key()


def test_derived_key_depends_on_the_secret(app):
    first = crypto.key()
    app.config["SECRET_KEY"] = "another-secret-key-" * 3
    assert crypto.key() != first


@pytest.mark.parametrize(
    ("iban", "masked"),
    [
        (IBAN, IBAN_MASKED),
        ("de89 3704 0044 0532 0130 00", IBAN_MASKED),
        ("AT611904300234573201", "AT61 •••• •••• •••• 3201"),
        ("NO9386011117947", "NO93 •••• •••7 947"),
    ],
)
def test_mask_iban_shows_country_check_digits_and_last_four(iban, masked):
    assert crypto.mask_iban(iban) == masked
