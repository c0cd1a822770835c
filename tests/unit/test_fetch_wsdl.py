"""The layer build's WSDL step: copies (or downloads) exactly the three files, and refuses a wrong one."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED_WSDL = ROOT.parent / "shared" / "arca" / "wsdl"
spec = importlib.util.spec_from_file_location("fetch_wsdl", ROOT / "layers" / "common" / "fetch_wsdl.py")
fetch_wsdl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fetch_wsdl)


def test_copies_the_files(tmp_path):
    fetch_wsdl.main([str(tmp_path / "out"), "--from", str(SHARED_WSDL)])
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "padron-a13.wsdl",
        "padron-a5.wsdl",
        "wsaa.wsdl",
        "wsfev1-production.wsdl",
        "wsfev1.wsdl",
    ]
    assert (tmp_path / "out" / "wsfev1.wsdl").read_bytes() == (SHARED_WSDL / "wsfev1.wsdl").read_bytes()


def test_refuses_a_file_that_is_not_the_expected_wsdl(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in fetch_wsdl.SOURCES:
        (source / name).write_bytes((SHARED_WSDL / name).read_bytes())
    (source / "wsfev1.wsdl").write_text("<html>maintenance</html>")
    with pytest.raises(SystemExit):
        fetch_wsdl.main([str(tmp_path / "out"), "--from", str(source)])


def test_weak_tls_only_for_the_production_wsfe_host():
    assert fetch_wsdl._context(fetch_wsdl.SOURCES["wsfev1-production.wsdl"]).security_level == 1
    assert fetch_wsdl._context(fetch_wsdl.SOURCES["wsfev1.wsdl"]).security_level >= 2
