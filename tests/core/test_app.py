"""The app factory, configuration, security headers, error pages and languages."""

import pytest
from flask import abort

from portal import create_app
from portal.config import load


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = load({"INSTANCE_PATH": str(instance)})["SECRET_KEY"]
    second = load({"INSTANCE_PATH": str(instance)})["SECRET_KEY"]
    assert first == second
    assert len(first) == 64
    assert (instance / "secret_key").read_text().strip() == first
    assert oct((instance / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_settings_come_from_portal_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_MAIL_PORT", "2525")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://tagung.example")
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    cfg = load({"INSTANCE_PATH": str(tmp_path)})
    assert cfg["MAIL_PORT"] == 2525
    assert cfg["BASE_URL"] == "https://tagung.example"
    assert cfg["DATABASE_URL"] == "sqlite:////tmp/elsewhere.db"


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = load({"INSTANCE_PATH": str(tmp_path)})
    assert cfg["DATABASE_URL"] == f"sqlite:///{tmp_path / 'portal.db'}"


@pytest.mark.parametrize(
    "overrides",
    [
        {},  # the key generated into instance/ is a development key
        {"SECRET_KEY": "dev"},
        {"SECRET_KEY": "too-short-for-production"},
    ],
)
def test_production_refuses_development_secret(tmp_path, monkeypatch, overrides):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="PORTAL_SECRET_KEY"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), **overrides})


def test_production_refuses_missing_iban_key(tmp_path):
    with pytest.raises(RuntimeError, match="PORTAL_IBAN_KEY"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "y" * 48})


def test_production_starts_with_a_real_secret(tmp_path, app_config):
    app = create_app(
        {**app_config, "ENV": "production", "SECRET_KEY": "x" * 48, "IBAN_KEY": "ab" * 32}
    )
    response = app.test_client().get("/")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # development: no HSTS


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/").get_data(as_text=True)
    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html
    assert 'src="/static/vendor/htmx/htmx.min.js"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_layout_landmarks_and_skip_link(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a class="skip-link" href="#main">Zum Inhalt springen</a>' in html
    assert '<main id="main"' in html
    assert html.count("<h1") == 1
    assert 'role="status"' in html
    assert '<html lang="de">' in html


def test_post_without_csrf_token_is_rejected(client):
    response = client.post("/sprache", data={"lang": "en"}, csrf=False)
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(app_config):
    app = create_app(app_config)

    @app.get("/_probe/<int:code>")
    def probe(code):
        if code == 500:
            raise RuntimeError("boom")
        abort(code)

    return app


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "Ungültige Anfrage"),
        (403, "Kein Zugriff"),
        (404, "Seite nicht gefunden"),
        (413, "Datei zu groß"),
        (429, "Zu viele Versuche"),
        (500, "Interner Fehler"),
    ],
)
def test_error_pages_are_german(failing_app, code, title):
    response = failing_app.test_client().get(f"/_probe/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert f'<h1 class="kern-heading-large">{title}</h1>' in html
    assert "Content-Security-Policy" in response.headers


def test_oversized_request_gets_413_page(app_config):
    app = create_app({**app_config, "MAX_CONTENT_LENGTH": 1024})
    from tests.conftest import CsrfClient

    app.test_client_class = CsrfClient
    response = app.test_client().post("/sprache", data={"lang": "en", "pad": "x" * 5000})
    assert response.status_code == 413
    assert "Datei zu groß" in response.get_data(as_text=True)


def test_language_switch_to_english_and_back(client):
    response = client.post("/sprache", data={"lang": "en", "next": "/"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    client.post("/sprache", data={"lang": "de", "next": "/"})
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)


def test_language_switch_ignores_foreign_redirects(client):
    response = client.post("/sprache", data={"lang": "xx", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)


def test_proxy_count_trusts_forwarded_address(app_config):
    app = create_app({**app_config, "PROXY_COUNT": 1})

    @app.get("/_addr")
    def addr():
        from flask import request

        return request.remote_addr

    headers = {"X-Forwarded-For": "203.0.113.7"}
    assert app.test_client().get("/_addr", headers=headers).get_data(as_text=True) == "203.0.113.7"
    plain = create_app(app_config)
    plain.add_url_rule("/_addr", view_func=addr)
    assert plain.test_client().get("/_addr", headers=headers).get_data(as_text=True) == "127.0.0.1"
