"""axe-core finds no WCAG 2.2 AA violation on the pages built so far."""

import pytest

PUBLIC_PAGES = ["/", "/konto/anmelden", "/konto/registrieren", "/konto/passwort-vergessen"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, check_a11y, path):
    response = page.goto(path)
    assert response.status == 200
    assert check_a11y(page) == []
    assert page.console_errors == []


def test_csp_blocks_nothing_the_page_needs(page):
    page.goto("/")
    assert page.evaluate("typeof htmx") == "object"
    assert page.console_errors == []
