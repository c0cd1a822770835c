"""The console's static files: every module preloaded, nothing inline that the Content-Security-Policy refuses."""

import re
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"


def test_index_preloads_every_module_and_loads_main():
    index = (CONSOLE / "index.html").read_text()
    modules = {str(p.relative_to(CONSOLE)) for p in (CONSOLE / "js").rglob("*.js")}
    preloaded = set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', index))
    assert '<script type="module" src="js/main.js"></script>' in index
    assert preloaded == modules - {"js/main.js"}


def test_no_inline_script_or_style_and_every_import_exists():
    index = (CONSOLE / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", index)  # script-src 'self': no inline scripts
    assert " style=" not in index and "<style" not in index  # style-src 'self': no inline styles
    for module in (CONSOLE / "js").rglob("*.js"):
        source = module.read_text()
        inline_style = re.search(r"""\bstyle: ["'`](?!currency|decimal|percent)""", source)  # not Intl's option
        assert not inline_style, f"{module.name}: a style attribute breaks the CSP"
        assert "innerHTML" not in source, f"{module.name}: API text goes in as text, never as HTML"
        for target in re.findall(r'from "(\.[^"]+)"', source):
            assert (module.parent / target).resolve().is_file(), f"{module.name} imports missing {target}"
