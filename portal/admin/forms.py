"""Forms of the admin area."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.accounts.forms import ROLE_LABELS

INVALID_CHOICE = _l("Bitte wählen Sie einen Eintrag aus der Liste.")


class RoleGrantForm(FlaskForm):
    role = SelectField(
        _l("Rolle"),
        choices=[SelectChoice(str(role), label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message=_l("Bitte wählen Sie eine Rolle."))],
        invalid_choice_message=INVALID_CHOICE,
    )
    event = SelectField(_l("Gilt für"), default="", invalid_choice_message=INVALID_CHOICE)

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.event.choices = [SelectChoice("", _l("Alle Veranstaltungen"))] + [
            SelectChoice(str(e.id), f"{e.title} ({e.starts_on:%d.%m.%Y})") for e in events
        ]

    @property
    def event_id(self) -> int | None:
        return int(self.event.data) if self.event.data else None
