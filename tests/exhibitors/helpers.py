"""Helpers of the exhibition tests: form data, service values, files."""

import io
import re
from datetime import datetime

from PIL import Image
from werkzeug.datastructures import FileStorage

# Autumn 2024: the Kommunaltagung (19-20 November 2024) still takes booths.
BEFORE_EVENT = datetime(2024, 10, 1, 12, 0)
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes(width=40, height=30, color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def text_of(response) -> str:
    """The visible text of a response, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def form_data(**overrides) -> dict:
    """A complete booth form as the browser posts it."""
    data = {
        "organisation": "Institut für Stadtentwicklung",
        "organisation_type": "science",
        "federal_state": "BE",
        "contact_name": "Anna Beispiel",
        "contact_email": "Anna@Institut.example",
        "contact_phone": "030 1234",
        "topic": "Resiliente Kommunen",
        "description": "Beispiele aus der Praxis.",
        "session": "",
        "tables": "1",
        "chairs": "2",
        "poster_walls": "1",
        "needs_power": "y",
        "floor_space": "",
        "setup_at": "2024-11-19T07:30",
        "teardown_at": "2024-11-20T16:00",
        "staff-0-first_name": "Bernd",
        "staff-0-last_name": "Muster",
        "staff-0-email": "bernd@institut.example",
        "staff_privacy_confirmed": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def service_values(**overrides) -> dict:
    """Booth values as the form hands them to the services."""
    values = {
        "organisation": "Institut für Stadtentwicklung",
        "organisation_type": "science",
        "federal_state": "BE",
        "contact_name": "Anna Beispiel",
        "contact_email": "anna@institut.example",
        "contact_phone": "",
        "topic": "Resiliente Kommunen",
        "description": "",
        "session": None,
        "tables": 1,
        "chairs": 2,
        "poster_walls": 0,
        "needs_power": False,
        "needs_network": False,
        "floor_space": None,
        "setup_at": datetime(2024, 11, 19, 7, 30),
        "teardown_at": datetime(2024, 11, 20, 16, 0),
        "staff": [],
        "staff_privacy_confirmed": False,
    }
    values.update(overrides)
    return values
