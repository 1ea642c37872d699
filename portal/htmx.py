"""htmx helpers: pick a whole page or a fragment, redirect htmx requests."""

from flask import make_response, redirect, render_template, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def render_page_or_fragment(page: str, fragment: str, status: int = 200, **context):
    """Render the fragment for htmx requests and the full page otherwise."""
    template = fragment if is_htmx() else page
    response = make_response(render_template(template, **context), status)
    response.headers["Vary"] = "HX-Request"
    return response


def hx_redirect(location: str):
    """Redirect that works for htmx (HX-Redirect) and plain forms (303)."""
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, 303)
