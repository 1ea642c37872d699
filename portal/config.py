"""Settings: safe defaults, overridden by PORTAL_* environment variables."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# Values that must never reach production: the test suite's key and placeholders.
DEVELOPMENT_SECRETS = {"", "dev", "development", "changeme", "secret", "test-secret-key" * 2}


def _env(name, default=None):
    return os.environ.get(f"PORTAL_{name}", default)


def _bool(value):
    return str(value).strip().lower() in {"1", "true", "yes", "on", "ja"}


def _instance_secret(instance: Path) -> str:
    """Read the development secret from instance/, creating it once."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def load(overrides=None) -> dict:
    """Build the configuration dict from defaults, the environment and overrides."""
    overrides = dict(overrides or {})
    instance = Path(overrides.get("INSTANCE_PATH") or _env("INSTANCE_PATH") or INSTANCE)
    env = overrides.get("ENV") or _env("ENV", "development")
    cfg = {
        "ENV": env,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'portal.db'}"),
        "UPLOAD_ROOT": _env("UPLOAD_ROOT", str(instance / "uploads")),
        "BASE_URL": _env("BASE_URL", "http://127.0.0.1:5000"),
        "MAIL_SERVER": _env("MAIL_SERVER", "127.0.0.1"),
        "MAIL_PORT": int(_env("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool(_env("MAIL_USE_TLS", "0")),
        "MAIL_USE_SSL": _bool(_env("MAIL_USE_SSL", "0")),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": _env("MAIL_SENDER", "Tagungsportal <noreply@tagungsportal.example>"),
        # Tests talk to a real SMTP server: never let TESTING suppress sending.
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_MAX_ATTEMPTS": int(_env("MAIL_MAX_ATTEMPTS", "12")),
        # Development: mails stay in the outbox and show on /dev/mailbox.
        "MAIL_DEV_MAILBOX": _bool(_env("MAIL_DEV_MAILBOX", "1" if env != "production" else "0")),
        "MAX_CONTENT_LENGTH": int(_env("MAX_UPLOAD_BYTES", str(110 * 1024 * 1024))),
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "LANGUAGES": ("de", "en"),
        "LOGIN_MAX_FAILURES_ACCOUNT": int(_env("LOGIN_MAX_FAILURES_ACCOUNT", "5")),
        "LOGIN_MAX_FAILURES_ADDRESS": int(_env("LOGIN_MAX_FAILURES_ADDRESS", "20")),
        "LOGIN_WINDOW_SECONDS": int(_env("LOGIN_WINDOW_SECONDS", "900")),
        "TOKEN_MAX_AGE_SECONDS": int(_env("TOKEN_MAX_AGE_SECONDS", str(48 * 3600))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "WTF_CSRF_TIME_LIMIT": None,
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        # Key for IBANs at rest: 32 bytes as url-safe base64 or 64 hex digits. Unset, it is
        # derived from SECRET_KEY (development only: production requires it).
        "IBAN_KEY": _env("IBAN_KEY"),
        "TRAVEL_RECEIPT_MAX_BYTES": int(_env("TRAVEL_RECEIPT_MAX_BYTES", str(10 * 1024 * 1024))),
        # The paying account for SEPA exports, unless an event sets its own.
        "TRAVEL_DEBTOR_NAME": _env("TRAVEL_DEBTOR_NAME", ""),
        "TRAVEL_DEBTOR_IBAN": _env("TRAVEL_DEBTOR_IBAN", ""),
        "TRAVEL_DEBTOR_BIC": _env("TRAVEL_DEBTOR_BIC", ""),
        # Number of reverse proxies in front of the app (X-Forwarded-For/-Proto are trusted
        # that many hops deep); 0 trusts none. Rate limits per address depend on it.
        "PROXY_COUNT": int(_env("PROXY_COUNT", "0")),
    }
    secret = _env("SECRET_KEY")
    cfg["SECRET_KEY_FROM_INSTANCE"] = secret is None and "SECRET_KEY" not in overrides
    cfg["SECRET_KEY"] = secret if secret is not None else None
    cfg.update(overrides)
    if cfg["SECRET_KEY"] is None:
        cfg["SECRET_KEY"] = _instance_secret(instance)
    return cfg


def check_production(cfg: dict) -> None:
    """Refuse to run in production with a development secret."""
    if cfg["ENV"] != "production":
        return
    secret = cfg.get("SECRET_KEY") or ""
    if cfg.get("SECRET_KEY_FROM_INSTANCE") or secret in DEVELOPMENT_SECRETS or len(secret) < 32:
        raise RuntimeError(
            "PORTAL_ENV=production verlangt einen eigenen PORTAL_SECRET_KEY "
            "(mindestens 32 Zeichen, kein Entwicklungsschlüssel)."
        )
    if not cfg.get("IBAN_KEY"):
        raise RuntimeError(
            "PORTAL_ENV=production verlangt PORTAL_IBAN_KEY "
            "(Schlüssel für die IBAN-Verschlüsselung)."
        )
