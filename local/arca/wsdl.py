"""The WSDL files the simulator serves: ARCA's own (from the shared reference directory, never copied into the
repository), with only their service addresses pointing at the simulator.
"""

from __future__ import annotations

import re
from pathlib import Path

from local.arca import padron
from local.template import REPO_ROOT

DEFAULT_WSDL_DIR = REPO_ROOT.parent / "shared" / "arca" / "wsdl"
WSAA_FILE = "wsaa.wsdl"
WSFE_FILE = "wsfev1.wsdl"  # homologation's
WSFE_PRODUCTION_FILE = "wsfev1-production.wsdl"  # differs only in its addresses
# <soap:address location="..."/> and <soap12:address .../> (any prefix).
_ADDRESS = re.compile(rb'(<[\w.-]+:address\s+location=")[^"]*(")')


def load(wsdl_dir: Path, name: str, address: str) -> bytes:
    """The WSDL file `name` with every service address replaced by `address`."""
    data = (Path(wsdl_dir) / name).read_bytes()
    return _ADDRESS.sub(lambda match: match.group(1) + address.encode() + match.group(2), data)


def check(wsdl_dir: Path) -> None:
    """FileNotFoundError naming what is missing, so a wrong directory fails at start-up, not at the first call."""
    names = (WSAA_FILE, WSFE_FILE, WSFE_PRODUCTION_FILE, *padron.FILES.values(), *padron.PRODUCTION_FILES.values())
    missing = [name for name in names if not (Path(wsdl_dir) / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{', '.join(missing)} not found in {wsdl_dir} (the shared ARCA WSDL directory)")
