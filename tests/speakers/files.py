"""Files for the speakers tests: genuine and fake slides, photos."""

import io
import zipfile

from PIL import Image
from werkzeug.datastructures import FileStorage

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
PPTX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/ppt/presentation.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'
)


def zip_bytes(entries) -> bytes:
    """A zip of (name, text) entries with a fixed date, so equal input gives equal bytes.

    A 'mimetype' entry is stored uncompressed, as OpenDocument wants it first.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 11, 1, 12, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(info, text)
    return out.getvalue()


def pptx_bytes(marker: str = "") -> bytes:
    return zip_bytes(
        [
            ("[Content_Types].xml", PPTX_TYPES),
            ("_rels/.rels", "<Relationships/>"),
            ("ppt/presentation.xml", f"<p:presentation>{marker}</p:presentation>"),
        ]
    )


def odp_bytes() -> bytes:
    return zip_bytes(
        [
            ("mimetype", "application/vnd.oasis.opendocument.presentation"),
            ("content.xml", "<office:document-content/>"),
        ]
    )


def pdf_bytes(marker: str = "") -> bytes:
    return MINIMAL_PDF + f"% {marker}\n".encode()


def image_bytes(size=(1600, 1200), fmt="JPEG") -> bytes:
    out = io.BytesIO()
    img = Image.new("RGB", size, "teal")
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"
    img.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)
