"""Uploads: sniffed, size-limited, images re-encoded without EXIF, nothing half-stored."""

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from portal.storage import (
    IMAGES,
    PDF,
    StoredFile,
    UploadError,
    UploadTooLarge,
    delete_upload,
    file_path,
    safe_filename,
    save_upload,
    send_upload,
    upload_root,
)

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 7.0, 0.0)}  # GPS
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def files_on_disk(app):
    root = upload_root()
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_pdf_is_stored_with_metadata(app, make_user):
    user = make_user()
    stored = save_upload(
        upload(MINIMAL_PDF, "Beleg Bahn.pdf"), area="test", owner=user, allowed=PDF, max_bytes=10**6
    )
    assert stored.original_name == "Beleg Bahn.pdf"
    assert stored.content_type == "application/pdf"
    assert stored.size == len(MINIMAL_PDF)
    assert len(stored.sha256) == 64
    assert stored.path.startswith(f"test/{user.id}/") and stored.path.endswith(".pdf")
    assert file_path(stored).read_bytes() == MINIMAL_PDF
    assert "static" not in str(file_path(stored))


def test_executable_renamed_pdf_is_refused_and_leaves_nothing(app, make_user):
    with pytest.raises(UploadError, match="passt nicht zur Endung pdf"):
        save_upload(
            upload(ELF, "rechnung.pdf"), area="t", owner=make_user(), allowed=PDF, max_bytes=10**6
        )
    assert files_on_disk(app) == []
    assert StoredFile.select().count() == 0


def test_oversized_file_is_refused_and_leaves_nothing(app, make_user):
    with pytest.raises(UploadTooLarge, match="größer als 1 KB"):
        save_upload(
            upload(MINIMAL_PDF + b"x" * 4000, "gross.pdf"),
            area="t",
            owner=make_user(),
            allowed=PDF,
            max_bytes=1024,
        )
    assert files_on_disk(app) == []


def test_wrong_extension_is_refused(app, make_user):
    with pytest.raises(UploadError, match="Erlaubt: PDF"):
        save_upload(
            upload(b"MZ...", "tool.exe"), area="t", owner=make_user(), allowed=PDF, max_bytes=10**6
        )


def test_empty_file_and_missing_file_are_refused(app, make_user):
    with pytest.raises(UploadError, match="leer"):
        save_upload(upload(b"", "leer.pdf"), area="t", owner=make_user(), allowed=PDF, max_bytes=99)
    with pytest.raises(UploadError, match="Bitte wählen Sie eine Datei"):
        save_upload(upload(b"", ""), area="t", owner=make_user(), allowed=PDF, max_bytes=99)


def test_jpeg_is_reencoded_without_exif(app, make_user):
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif()  # the original carries EXIF
    stored = save_upload(
        upload(data, "foto.jpg"), area="t", owner=make_user(), allowed=IMAGES, max_bytes=10**6
    )
    with Image.open(file_path(stored)) as img:
        assert img.format == "JPEG"
        assert dict(img.getexif()) == {}
        assert img.size == (40, 30)


def test_image_is_resized_when_asked(app, make_user):
    out = io.BytesIO()
    Image.new("RGB", (2000, 1000), "blue").save(out, format="PNG")
    stored = save_upload(
        upload(out.getvalue(), "logo.png"),
        area="t",
        owner=make_user(),
        allowed=IMAGES,
        max_bytes=10**7,
        image_max_px=400,
    )
    with Image.open(file_path(stored)) as img:
        assert img.size == (400, 200)


def test_broken_image_is_refused_and_leaves_nothing(app, make_user):
    broken = jpeg_with_gps()[:200]
    with pytest.raises(UploadError, match="beschädigt"):
        save_upload(
            upload(broken, "kaputt.jpg"),
            area="t",
            owner=make_user(),
            allowed=IMAGES,
            max_bytes=10**6,
        )
    assert files_on_disk(app) == []


def test_pdf_without_pdf_header_is_refused(app, make_user):
    # libmagic finds a PDF marker further in, but the file does not start with %PDF.
    sneaky = b"\n\n" + MINIMAL_PDF
    with pytest.raises(UploadError):
        save_upload(
            upload(sneaky, "x.pdf"), area="t", owner=make_user(), allowed=PDF, max_bytes=10**6
        )
    assert files_on_disk(app) == []


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\Beleg.pdf", "Beleg.pdf"),
        ("Re\x00ch\x1fnung.pdf", "Rechnung.pdf"),
        ("...", "datei"),
        ("Übernachtung Köln.pdf", "Übernachtung Köln.pdf"),
    ],
)
def test_safe_filename(raw, clean):
    assert safe_filename(raw) == clean


def test_send_upload_is_an_attachment_that_cannot_run(app, make_user):
    stored = save_upload(
        upload(MINIMAL_PDF, "beleg.pdf"), area="t", owner=make_user(), allowed=PDF, max_bytes=10**6
    )
    with app.test_request_context():
        response = send_upload(stored)
        response.direct_passthrough = False
        assert response.headers["Content-Disposition"] == "attachment; filename=beleg.pdf"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.get_data() == MINIMAL_PDF
        response.close()


def test_delete_upload_removes_row_and_file(app, make_user):
    stored = save_upload(
        upload(MINIMAL_PDF, "beleg.pdf"), area="t", owner=make_user(), allowed=PDF, max_bytes=10**6
    )
    path = file_path(stored)
    delete_upload(stored)
    assert not path.exists()
    assert StoredFile.select().count() == 0


def test_truncated_image_is_refused_even_after_weasyprint_was_imported(app, make_user):
    import weasyprint  # noqa: F401  (sets PIL's LOAD_TRUNCATED_IMAGES on import)

    out = io.BytesIO()
    Image.new("RGB", (64, 64), "green").save(out, format="PNG")
    with pytest.raises(UploadError, match="beschädigt"):
        save_upload(
            upload(out.getvalue()[:-30], "abgeschnitten.png"),
            area="t",
            owner=make_user(),
            allowed=IMAGES,
            max_bytes=10**6,
        )
    assert files_on_disk(app) == []
