import pytest

from billing.domain.errors import InvalidField
from billing.domain.images import MAX_LOGO_BYTES, logo_content_type

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def test_png_and_jpeg():
    assert logo_content_type(PNG) == "image/png"
    assert logo_content_type(JPEG) == "image/jpeg"


def test_other_formats_are_rejected():
    with pytest.raises(InvalidField) as error:
        logo_content_type(b"GIF89a" + b"\x00" * 10)
    assert (error.value.code, error.value.param) == ("invalid_logo", "logo")


def test_logo_over_one_megabyte():
    with pytest.raises(InvalidField) as error:
        logo_content_type(PNG + b"\x00" * MAX_LOGO_BYTES)
    assert error.value.code == "logo_too_large"
