"""German error pages for 400, 403, 404, 413, 429 and 500."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: (_l("Ungültige Anfrage"), _l("Die Anfrage konnte nicht verarbeitet werden.")),
    403: (_l("Kein Zugriff"), _l("Für diese Seite fehlt Ihnen die Berechtigung.")),
    404: (
        _l("Seite nicht gefunden"),
        _l("Die angeforderte Seite gibt es nicht oder sie ist nicht mehr verfügbar."),
    ),
    405: (_l("Nicht erlaubt"), _l("Diese Aktion ist hier nicht möglich.")),
    413: (
        _l("Datei zu groß"),
        _l("Die hochgeladene Datei ist zu groß. Bitte wählen Sie eine kleinere Datei."),
    ),
    429: (
        _l("Zu viele Versuche"),
        _l("Bitte warten Sie einige Minuten und versuchen Sie es dann erneut."),
    ),
    500: (
        _l("Interner Fehler"),
        _l("Es ist ein Fehler aufgetreten. Bitte versuchen Sie es später noch einmal."),
    ),
}


def render_error(code: int, detail=None):
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def init_app(app):
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return render_error(
            400,
            _l(
                "Das Formular ist abgelaufen oder unvollständig. Bitte laden Sie die Seite neu "
                "und senden Sie es noch einmal ab."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http(exc):
        if exc.code in MESSAGES:
            return render_error(exc.code)
        return exc

    @app.errorhandler(Exception)
    def _crash(exc):
        app.logger.exception("Unhandled error")
        return render_error(500)
