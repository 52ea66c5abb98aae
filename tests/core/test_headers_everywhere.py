"""Security and privacy headers on every response, including those no view renders:
the language redirect and static files (SR-17, QE-10; issue #18 item 9)."""

import pytest

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.parametrize(
    "path",
    ["/", "/en", "/static/core/exit.js", "/favicon.ico", "/healthz", "/en/no-such-page/"],
)
def test_every_response_carries_the_headers(client, db, path):
    response = client.get(path)
    for name, value in EXPECTED.items():
        assert response.get(name) == value, (path, response.status_code, name)
    assert "Permissions-Policy" in response
