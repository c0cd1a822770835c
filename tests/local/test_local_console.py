"""The local CloudFront: console files with the template's security headers, `/v1/*` left to the gateway."""

import pytest

from local.console import ConsoleSite
from local.template import REPO_ROOT, load_stack


@pytest.fixture(scope="module")
def site() -> ConsoleSite:
    return ConsoleSite(load_stack().console)


def test_the_distribution_is_read_from_the_template(site):
    console = site.console
    assert console.directory == REPO_ROOT / "console" and console.api_path_pattern == "/v1/*"
    headers = dict(console.headers)
    assert "connect-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "no-referrer"
    assert headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_only_the_api_paths_go_to_the_gateway(site):
    assert site.serves("/") and site.serves("/js/main.js") and site.serves("/v1x")
    assert not site.serves("/v1/health") and not site.serves("/v1/invoices/inv_1/pdf") and not site.serves("/v1")


def test_files_with_their_type_headers_and_etag_revalidation(site):
    index = site.respond("GET", "/", {})
    assert index.status == 200 and b'<html lang="es-AR">' in index.body
    headers = dict(index.headers)
    assert headers["Content-Type"] == "text/html; charset=utf-8" and headers["Cache-Control"] == "no-cache"
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    script = site.respond("GET", "/js/main.js", {})
    assert dict(script.headers)["Content-Type"] == "text/javascript; charset=utf-8"
    again = site.respond("GET", "/js/main.js", {"if-none-match": dict(script.headers)["ETag"]})
    assert (again.status, again.body) == (304, b"")


def test_nothing_outside_the_console_and_no_writes(site):
    for path in ("/../template.yaml", "/js/../../README.md", "/nope.html", "/js"):
        assert site.respond("GET", path, {}).status == 404, path
    assert site.respond("POST", "/index.html", {}).status == 405
