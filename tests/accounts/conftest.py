"""Fixtures of the accounts tests: delivered mails, links in them, login through any client."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

import portal.models  # noqa: F401  (see below)
from portal.mailer import deliver_pending

# Importing every model before the migrations run binds RoleGrant.event (a DeferredForeignKey)
# to the real Event: otherwise the first frozen model named Event in a migration claims it.

LINK = re.compile(r"https?://[^\s<>\"]+")
CSRF_VALUE = re.compile(r'(name="csrf_token" value="|"X-CSRFToken": ")[^"]+')


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str

    def link(self, path_prefix: str) -> str:
        """The path of the first link in the plain text that starts with `path_prefix`."""
        for url in LINK.findall(self.text):
            parts = urlsplit(url)
            if parts.path.startswith(path_prefix):
                return parts.path
        raise AssertionError(f"no link {path_prefix} in mail {self.subject!r}:\n{self.text}")


@pytest.fixture
def mails(mailbox):
    """mails(): send the outbox through the test SMTP server and return every Mail received."""

    def deliver():
        deliver_pending()
        return [
            Mail(
                to=str(msg["To"]),
                subject=str(msg["Subject"]),
                text=msg.get_body(("plain",)).get_content(),
                html=msg.get_body(("html",)).get_content(),
            )
            for msg in mailbox
        ]

    return deliver


@pytest.fixture
def post_login():
    """post_login(client, email, password, **kw): the login form through any client."""

    def do_post(client, email, password, **kwargs):
        return client.post("/konto/anmelden", data={"email": email, "password": password}, **kwargs)

    return do_post


@pytest.fixture
def without_tokens():
    """without_tokens(html): the page with its CSRF tokens (timestamped, so always new) blanked."""

    def strip(html: str) -> str:
        return CSRF_VALUE.sub(r"\1", html)

    return strip
