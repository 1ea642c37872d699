"""Extension objects, created unbound and initialised in create_app()."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from peewee import DatabaseProxy

db = DatabaseProxy()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
htmx = Htmx()
babel = Babel()
