"""Upload benchmark: receipts of 10 MB and 100 MB sent to a running gunicorn worker.

Run by hand or with `make bench` (figures, not a test):

    .venv/bin/python bench/upload.py

It starts the portal with gunicorn (one sync worker) on 127.0.0.1 with a temporary SQLite
database and upload directory, creates an attendee with a draft travel claim through the
services, logs in over HTTP and uploads, streaming each request body from a file on disk:

  1. a 10 MB PDF receipt: accepted (the per-receipt limit is 10 MB);
  2. a 100 MB PDF receipt: refused with 413 before the body is read (a receipt request may
     carry 5 x 10 MB + 1 MB), so the worker neither reads nor stores it;
  3. the same 100 MB file as a speaker's slides (limit 100 MB): accepted, streamed to disk.

For each it reports the HTTP status, the wall time and the worker's resident memory before
and at its peak during the request (VmRSS and VmHWM from /proc/<pid>/status; the peak is
reset before each request through /proc/<pid>/clear_refs).
"""

import http.client
import logging
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
PASSWORD = "Bench-Upload-Passwort-2024"
EMAIL = "bench@example.org"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_pdf(path: Path, size: int) -> Path:
    """A file of `size` bytes that libmagic sniffs as PDF (a header, then padding)."""
    header = b"%PDF-1.4\n%bench\n"
    with path.open("wb") as out:
        out.write(header)
        chunk = b"0" * MB
        left = size - len(header)
        while left > 0:
            out.write(chunk[: min(left, MB)])
            left -= min(left, MB)
    return path


# --- set-up through the services ----------------------------------------------------------


def prepare(env: dict) -> dict:
    """Migrate the database and create the attendee, the claim and a speaker assignment."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from portal import create_app
    from portal.accounts.models import RoleGrant, User
    from portal.accounts.passwords import hash_password
    from portal.events.models import Event
    from portal.extensions import db
    from portal.registration.models import Registration, RegistrationSettings
    from portal.schema import runner
    from portal.travel import services as travel

    app = create_app({"SERVER_NAME": env["BENCH_HOST"]})
    logging.getLogger("peewee.migrations").setLevel(logging.WARNING)
    today = date.today()
    with app.test_request_context():
        db.connect(reuse_if_open=True)
        runner(db.obj).up()
        user = User.create(
            email=EMAIL,
            name="Bea Bench",
            password_hash=hash_password(PASSWORD),
            email_confirmed_at=datetime.now(),
        )
        RoleGrant.create(user=user, role="attendee")
        # Claims open when an event starts: this one started yesterday.
        event = Event.create(
            slug="bench-tagung",
            title="Bench-Tagung",
            starts_on=today - timedelta(days=1),
            ends_on=today,
            status="published",
        )
        RegistrationSettings.create(event=event)
        registration = Registration.create(
            event=event,
            user=user,
            state="confirmed",
            first_name="Bea",
            last_name="Bench",
            organisation="Stadt Beispiel",
            organisation_type="municipality",
            federal_state="ST",
            email=EMAIL,
            wants_reimbursement=True,
            privacy_accepted_at=datetime.now(),
        )
        claim = travel.start_claim(registration, user=user)
        result = {"claim_id": claim.id, "spent_on": today.isoformat(), "session_id": None}
        try:
            result["session_id"] = _speaker_session(user, today)
        except Exception as exc:  # the speakers area is optional for this benchmark
            print(f"(Folien-Upload übersprungen: {type(exc).__name__}: {exc})")
        db.close()
    return result


def _speaker_session(user, today: date) -> int:
    """A session in ten days (slides are due two days before) with `user` as its speaker."""
    from portal.events.models import Event, Session
    from portal.speakers import services as speakers

    future = Event.create(
        slug="bench-zukunft",
        title="Bench-Zukunft",
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=10),
        status="published",
    )
    start = datetime.combine(future.starts_on, datetime.min.time()) + timedelta(hours=10)
    session = Session.create(
        event=future,
        code="WS 1",
        kind="workshop",
        title="Bench-Workshop",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        is_breakout=True,
    )
    invitation = speakers.invite_speaker(
        future, email=EMAIL, name="Bea Bench", roles={session.id: "talk"}
    )
    speakers.accept_invitation(invitation, user=user)
    return session.id


# --- HTTP ------------------------------------------------------------------------------------


class Browser:
    """A minimal cookie-keeping client on http.client (no third-party packages)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def _connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)

    def _remember(self, response):
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]

    def _headers(self, extra=None) -> dict:
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def get(self, path: str) -> tuple[int, str]:
        conn = self._connection()
        conn.request("GET", path, headers=self._headers())
        response = conn.getresponse()
        self._remember(response)
        body = response.read().decode("utf-8", "replace")
        conn.close()
        return response.status, body

    def post_form(self, path: str, fields: dict) -> int:
        conn = self._connection()
        body = urllib.parse.urlencode(fields)
        headers = self._headers({"Content-Type": "application/x-www-form-urlencoded"})
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        self._remember(response)
        response.read()
        conn.close()
        return response.status

    def post_multipart(self, path: str, fields: dict, file_field: str, file: Path) -> int:
        """Stream a multipart body from disk; the server may answer before it has read it."""
        boundary = uuid.uuid4().hex
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{file.name}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = len(head) + file.stat().st_size + len(tail)
        conn = self._connection()
        conn.putrequest("POST", path)
        headers = self._headers(
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(length),
            }
        )
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        try:
            conn.send(head)
            with file.open("rb") as fh:
                while chunk := fh.read(MB):
                    conn.send(chunk)
            conn.send(tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused early: the answer is already waiting
        try:
            response = conn.getresponse()
            response.read()
            status = response.status
        except (ConnectionResetError, http.client.RemoteDisconnected):
            status = 0
        conn.close()
        return status


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


# --- the worker's memory -------------------------------------------------------------------


def worker_pid(master: int) -> int:
    for _ in range(100):
        path = Path(f"/proc/{master}/task/{master}/children")
        children = path.read_text().split() if path.exists() else []
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def measure(label: str, pid: int, action) -> dict:
    reset = reset_peak(pid)
    before = status_kb(pid, "VmRSS")
    started = time.perf_counter()
    status = action()
    seconds = time.perf_counter() - started
    peak = status_kb(pid, "VmHWM")
    return {
        "label": label,
        "status": status,
        "seconds": seconds,
        "rss_before_mb": before / 1024,
        "peak_mb": peak / 1024,
        "peak_reset": reset,
    }


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    port = free_port()
    env = {
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.db'}",
        "PORTAL_INSTANCE_PATH": str(workdir / "instance"),
        "PORTAL_UPLOAD_ROOT": str(workdir / "uploads"),
        "PORTAL_SECRET_KEY": secrets.token_hex(32),
        "PORTAL_MAIL_DEV_MAILBOX": "1",
        "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
        "BENCH_HOST": f"127.0.0.1:{port}",
    }
    server = None
    try:
        setup = prepare(env)
        small = make_pdf(workdir / "beleg-10mb.pdf", 10 * MB)
        large = make_pdf(workdir / "beleg-100mb.pdf", 100 * MB)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "300",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
        )
        browser = Browser(port)
        for _ in range(100):
            try:
                browser.get("/")
                break
            except OSError:
                time.sleep(0.2)
        pid = worker_pid(server.pid)

        _status, page = browser.get("/konto/anmelden")
        login = {"csrf_token": csrf_token(page), "email": EMAIL, "password": PASSWORD}
        if browser.post_form("/konto/anmelden", login) != 303:
            raise RuntimeError("login failed")

        claim_path = f"/reisekosten/antraege/{setup['claim_id']}/positionen/neu"
        _status, page = browser.get(claim_path)
        item = {
            "csrf_token": csrf_token(page),
            "kind": "rail",
            "spent_on": setup["spent_on"],
            "description": "Bench",
            "amount": "49,90",
            "rail_class": "second",
        }
        results = [
            measure(
                "Beleg 10 MB",
                pid,
                lambda: browser.post_multipart(claim_path, item, "receipts", small),
            ),
            measure(
                "Beleg 100 MB",
                pid,
                lambda: browser.post_multipart(claim_path, item, "receipts", large),
            ),
        ]
        if setup["session_id"]:
            slides = f"/referierende/programmpunkte/{setup['session_id']}/folien"
            _status, page = browser.get(f"/referierende/programmpunkte/{setup['session_id']}")
            fields = {"csrf_token": csrf_token(page)}
            results.append(
                measure(
                    "Folien 100 MB",
                    pid,
                    lambda: browser.post_multipart(slides, fields, "file", large),
                )
            )
        stored = sorted(
            (p.stat().st_size // MB, p.parent.parent.name)
            for p in (workdir / "uploads").rglob("*")
            if p.is_file() and not p.name.endswith(".part")
        )

        python = sys.version.split()[0]
        print(f"gunicorn worker {pid}, Python {python}, {datetime.now():%Y-%m-%d %H:%M}")
        print(f"{'Upload':<16}{'Status':>8}{'Zeit (s)':>10}{'RSS vorher':>13}{'RSS Spitze':>13}")
        for r in results:
            print(
                f"{r['label']:<16}{r['status']:>8}{r['seconds']:>10.2f}"
                f"{r['rss_before_mb']:>10.1f} MB{r['peak_mb']:>10.1f} MB"
                + ("" if r["peak_reset"] else "  (Spitze seit Start)")
            )
        print("Gespeichert (MB, Bereich):", ", ".join(f"{s} {a}" for s, a in stored) or "nichts")
        return 0
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
