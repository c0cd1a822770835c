"""Logos printed on invoices: PNG or JPEG, at most 1 MB."""

from billing.domain.errors import InvalidField

MAX_LOGO_BYTES = 1024 * 1024
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def logo_content_type(content: bytes) -> str:
    """The image type of a logo, read from its bytes; raises InvalidField otherwise."""
    if len(content) > MAX_LOGO_BYTES:
        raise InvalidField(
            f"The logo has {len(content)} bytes; the limit is 1 MB.", code="logo_too_large", param="logo"
        )
    for signature, content_type in _SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    raise InvalidField("The logo must be a PNG or JPEG image.", code="invalid_logo", param="logo")
