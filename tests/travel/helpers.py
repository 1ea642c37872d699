"""Helpers of the travel tests: files, form data, reading pages."""

import io
import re
from datetime import datetime

from PIL import Image
from werkzeug.datastructures import FileStorage

# Two days after the Kommunaltagung (19-20 November 2024): claims are open.
AFTER_EVENT = datetime(2024, 11, 22, 10, 0)
# The default deadline: six months after the last day, 23:59:59.
DEFAULT_DEADLINE = datetime(2025, 5, 20, 23, 59, 59)
IBAN = "DE89370400440532013000"
IBAN_FORMATTED = "DE89 3704 0044 0532 0130 00"
IBAN_MASKED = "DE89 •••• •••• •••• ••30 00"
OTHER_IBAN = "DE02120300000000202051"
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def png_bytes(width=40, height=30, color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"
    exif[0x8825] = {1: "N", 2: (52.0, 7.0, 0.0)}
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(data: bytes = MINIMAL_PDF, name: str = "beleg.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def text_of(response) -> str:
    """The visible text of a response, whitespace collapsed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#34;", '"')


def item_form(files=None, **overrides) -> dict:
    """A rail ticket as the item form posts it; `files` is a list of (bytes, name)."""
    data = {
        "kind": "rail",
        "spent_on": "2024-11-19",
        "description": "Berlin Hbf – Magdeburg Hbf",
        "amount": "49,90",
        "rail_class": "second",
        "kilometres": "",
        "nights": "",
        "reason": "",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    if files is None:
        files = [(MINIMAL_PDF, "fahrkarte.pdf")]
    data["receipts"] = [(io.BytesIO(content), name) for content, name in files]
    return data


def item_values(**overrides) -> dict:
    """Keyword arguments of services.add_item for a rail ticket (plain values)."""
    from datetime import date

    values = {
        "kind": "rail",
        "spent_on": date(2024, 11, 19),
        "description": "Berlin Hbf – Magdeburg Hbf",
        "amount_cents": 4990,
        "rail_class": "second",
        "kilometres": None,
        "nights": None,
        "reason": "",
    }
    values.update(overrides)
    return values


def files_on_disk(root) -> list[str]:
    """Every stored file below the upload root (temporary parts included)."""
    from pathlib import Path

    return sorted(str(p.relative_to(root)) for p in Path(root).rglob("*") if p.is_file())


def set_state(claim, state):
    """Put a claim into a state directly (test set-up only); returns the reloaded claim."""
    from portal.travel.models import TravelClaim

    TravelClaim.update(state=state).where(TravelClaim.id == claim.id).execute()
    return TravelClaim.get_by_id(claim.id)
