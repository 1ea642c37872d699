"""Languages: German first (formal "Sie"), English second, chosen by the user."""

from flask import has_request_context, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l

from portal.extensions import babel

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


def select_locale():
    if not has_request_context():
        return "de"
    lang = session.get("lang")
    return lang if lang in LANGUAGE_NAMES else "de"


def init_app(app):
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(app.root_path + "/translations"),
    )

    @app.post("/sprache")
    def set_language():
        """Store the chosen language and return to the page the user came from."""
        lang = request.form.get("lang", "de")
        session["lang"] = lang if lang in LANGUAGE_NAMES else "de"
        target = request.form.get("next") or ""
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("events.index")
        return redirect(target, 303)


LANGUAGE_SWITCH_LABEL = _l("Sprache")
