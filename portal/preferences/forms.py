"""The one form of the ranking page: a drag (full order), a move button or the skip choice."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, IntegerField, StringField
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from portal.preferences.ranking import DIRECTIONS

INVALID = _l(
    "Die Angaben sind unvollständig. Bitte laden Sie die Seite neu und versuchen Sie es noch "
    "einmal."
)
ACTIONS = ("order", "move", "skip")


class IdListField(Field):
    """Repeated form values (`order=3&order=7`) as a list of integers, order kept."""

    widget = HiddenInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, default=list, **kwargs)

    def process_formdata(self, valuelist):
        try:
            self.data = [int(value) for value in valuelist]
        except ValueError as exc:
            self.data = []
            raise ValueError(INVALID) from exc


class RankingSaveForm(FlaskForm):
    """Posted by the hidden drag form, every item's buttons and the skip checkbox."""

    version = IntegerField(validators=[InputRequired(INVALID), NumberRange(min=0, message=INVALID)])
    action = StringField(validators=[InputRequired(INVALID), AnyOf(ACTIONS, message=INVALID)])
    order = IdListField()
    session = IntegerField(validators=[Optional()])
    direction = StringField(validators=[Optional(), AnyOf(DIRECTIONS, message=INVALID)])
    skip = BooleanField()

    def validate(self, extra_validators=None) -> bool:
        """A move names a session and a direction (checked here: Optional() stops the chain)."""
        valid = super().validate(extra_validators)
        if valid and self.action.data == "move":
            if self.session.data is None or not self.direction.data:
                self.form_errors.append(INVALID)
                return False
        return valid

    def error_message(self) -> str:
        """One message for every invalid post: only an outdated or altered page sends one."""
        return str(INVALID)

    def command(self) -> dict:
        """Keyword arguments of services.save_slot."""
        return {
            "version": self.version.data,
            "action": self.action.data,
            "order": self.order.data or [],
            "session_id": self.session.data,
            "direction": self.direction.data or None,
            "skip": bool(self.skip.data),
        }
