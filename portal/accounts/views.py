"""Accounts: register, confirm, log in and out, reset and change password or e-mail."""

from flask import render_template

from portal.accounts import bp


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    return render_template("errors/error.html", code=501, title="", text="")


@bp.route("/registrieren", methods=["GET", "POST"])
def register():
    return render_template("errors/error.html", code=501, title="", text="")


@bp.post("/abmelden")
def logout():
    return render_template("errors/error.html", code=501, title="", text="")


@bp.get("/")
def settings():
    return render_template("errors/error.html", code=501, title="", text="")
