"""Administration: accounts and their roles."""

from flask import render_template

from portal.admin import bp
from portal.auth import role_required


@bp.get("/konten")
@role_required("admin")
def users():
    return render_template("errors/error.html", code=501, title="", text="")
