"""Uploads: streamed to disk, sniffed, images re-encoded, stored outside static/.

Files live under UPLOAD_ROOT at <area>/<owner>/<uuid><ext>. The file is written first and the
StoredFile row inside a transaction; when anything fails, no file and no row remain.
"""

import hashlib
import os
import re
import tempfile
import unicodedata
import uuid
from pathlib import Path

import magic
from flask import current_app, send_file
from flask_babel import gettext as _
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from portal.accounts.models import User
from portal.db import BaseModel
from portal.extensions import db
from portal.timeutil import now

CHUNK = 64 * 1024
MB = 1024 * 1024

# Extension -> MIME types that libmagic may report for a genuine file of that kind.
PDF = {".pdf": {"application/pdf"}}
IMAGES = {".jpg": {"image/jpeg"}, ".jpeg": {"image/jpeg"}, ".png": {"image/png"}}
PRESENTATIONS = {
    ".pptx": {
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/zip",
    },
    ".odp": {"application/vnd.oasis.opendocument.presentation", "application/zip"},
}
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}


class UploadError(ValueError):
    """An upload that was refused; the message is German and meant for the user."""


class UploadTooLarge(UploadError):
    pass


class StoredFile(BaseModel):
    area = CharField(max_length=40)
    owner = ForeignKeyField(User, backref="files", on_delete="CASCADE")
    path = CharField(max_length=300, unique=True)  # relative to UPLOAD_ROOT
    original_name = CharField(max_length=255)
    content_type = CharField(max_length=120)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_at = DateTimeField(default=now)


def safe_filename(name: str) -> str:
    """The last path part of a client's file name, without control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    return name[:200] or "datei"


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_ROOT"])


def _human(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"


def _stream_to_temp(stream, directory: Path, max_bytes: int) -> tuple[Path, int, str]:
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, suffix=".part")
    size, digest = 0, hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadTooLarge(
                        _("Die Datei ist größer als %(limit)s.", limit=_human(max_bytes))
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), size, digest.hexdigest()


def _reencode_image(path: Path, mime: str, max_px: int | None) -> None:
    """Decode and re-encode an image: drops EXIF (location), rejects broken files."""
    # weasyprint sets this process-wide to True on import, which would let truncated
    # uploads through as padded images; uploads are always decoded strictly.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(path) as img:
            img.load()
            clean = ImageOps.exif_transpose(img)
            if max_px:
                clean.thumbnail((max_px, max_px))
            fmt = IMAGE_FORMATS[mime]
            if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
                clean = clean.convert("RGB")
            clean.save(path, format=fmt, **({"quality": 88} if fmt == "JPEG" else {}))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UploadError(_("Das Bild ist beschädigt oder kein gültiges Bild.")) from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def save_upload(
    file,
    *,
    area: str,
    owner: User,
    allowed: dict[str, set[str]],
    max_bytes: int,
    image_max_px: int | None = None,
    check=None,
) -> StoredFile:
    """Store an uploaded werkzeug FileStorage; raise UploadError with a German message.

    `allowed` maps extensions to the MIME types libmagic may report; `check(path, mime)`
    may add a content check of its own and raise UploadError.
    """
    original = safe_filename(getattr(file, "filename", "") or "")
    ext = Path(original).suffix.lower()
    if not getattr(file, "filename", ""):
        raise UploadError(_("Bitte wählen Sie eine Datei aus."))
    if ext not in allowed:
        kinds = ", ".join(sorted({e.lstrip(".").upper() for e in allowed}))
        raise UploadError(_("Dieser Dateityp ist nicht erlaubt. Erlaubt: %(kinds)s.", kinds=kinds))
    root = upload_root()
    temp, size, _digest = _stream_to_temp(file.stream, root / ".tmp", max_bytes)
    final = None
    try:
        if size == 0:
            raise UploadError(_("Die Datei ist leer."))
        mime = magic.from_file(str(temp), mime=True)
        if mime not in allowed[ext]:
            raise UploadError(
                _("Der Inhalt der Datei passt nicht zur Endung %(ext)s.", ext=ext.lstrip("."))
            )
        if mime == "application/pdf":
            with temp.open("rb") as fh:
                if fh.read(4) != b"%PDF":
                    raise UploadError(_("Die Datei ist kein gültiges PDF."))
        if mime in IMAGE_FORMATS:
            _reencode_image(temp, mime, image_max_px)
        if check is not None:
            check(temp, mime)
        relative = Path(area) / str(owner.id) / f"{uuid.uuid4().hex}{ext}"
        final = root / relative
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, final)
        with db.atomic():
            return StoredFile.create(
                area=area,
                owner=owner,
                path=str(relative),
                original_name=original,
                content_type=mime,
                size=final.stat().st_size,
                sha256=_sha256(final),
            )
    except BaseException:
        temp.unlink(missing_ok=True)
        if final is not None:
            final.unlink(missing_ok=True)
        raise


def file_path(stored: StoredFile) -> Path:
    return upload_root() / stored.path


def send_upload(stored: StoredFile, download_name: str | None = None):
    """Serve a stored file as a download that the browser will never render or sniff."""
    response = send_file(
        file_path(stored),
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=download_name or stored.original_name,
        conditional=False,
        etag=False,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def delete_upload(stored: StoredFile) -> None:
    """Delete the row, then the file (a missing file is not an error)."""
    path = file_path(stored)
    stored.delete_instance()
    path.unlink(missing_ok=True)
