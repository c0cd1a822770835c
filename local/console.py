"""The console's CloudFront distribution, locally: the static files of `console/` with the template's security
headers, beside the API on the same origin (CloudFront sends `/v1/*` to API Gateway, everything else to the bucket).

ETags make a reload cheap (304s), as CloudFront and S3 do.
"""

from __future__ import annotations

import fnmatch
import hashlib
import mimetypes

from local.api_responses import HttpResponse
from local.template import Console

TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


class ConsoleSite:
    def __init__(self, console: Console):
        self.console = console
        self.root = console.directory.resolve()

    def serves(self, path: str) -> bool:
        """True for the paths the distribution's default behaviour (the bucket) answers."""
        return not fnmatch.fnmatchcase(path, self.console.api_path_pattern) and path != "/v1"

    def respond(self, method: str, path: str, request_headers: dict[str, str]) -> HttpResponse:
        if method not in ("GET", "HEAD"):
            return self._plain(405, "Method Not Allowed")
        relative = "index.html" if path in ("", "/") else path.lstrip("/")
        file = (self.root / relative).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return self._plain(404, "Not Found")
        body = file.read_bytes()
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        content_type = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        headers = [
            ("Content-Type", content_type),
            ("ETag", etag),
            ("Cache-Control", "no-cache"),  # revalidate every time: a deploy shows at once, unchanged files are 304s
            *self.console.headers,
        ]
        if request_headers.get("if-none-match") == etag:
            return HttpResponse(304, headers, b"")
        return HttpResponse(200, headers, body)

    def _plain(self, status: int, text: str) -> HttpResponse:
        headers = [("Content-Type", "text/plain; charset=utf-8"), *self.console.headers]
        return HttpResponse(status, headers, text.encode())
