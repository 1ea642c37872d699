"""Tagungsportal: the application factory."""

import importlib
import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import config as config_module
from portal.config import ROOT


def create_app(config=None) -> Flask:
    """Build the app from defaults, PORTAL_* environment variables and `config`."""
    cfg = config_module.load(config)
    config_module.check_production(cfg)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=cfg["INSTANCE_PATH"],
    )
    app.config.update(cfg)
    if app.config["PROXY_COUNT"]:
        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    Path(app.config["UPLOAD_ROOT"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    from portal import auth, db, errors, i18n, security, templating
    from portal.extensions import csrf, htmx, login_manager, mail

    db.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)

    from portal import cli

    cli.init_app(app)
    return app


AREAS = (
    "events",
    "accounts",
    "backoffice",
    "admin",
    "devmail",
    "registration",
    "preferences",
    "allocation",
    "travel",
    "speakers",
    "exhibitors",
)


def _register_blueprints(app: Flask) -> None:
    """Import each area's views (which attach routes to its blueprint), then register it."""
    for area in AREAS:
        package = importlib.import_module(f"portal.{area}")
        importlib.import_module(f"portal.{area}.views")
        app.register_blueprint(package.bp)
