"""The console's static files: every module preloaded, nothing inline that the Content-Security-Policy refuses."""

import re
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "console"


def _imports(module: Path, pattern: str) -> set[Path]:
    return {(module.parent / target).resolve() for target in re.findall(pattern, module.read_text())}


def test_index_preloads_every_module_of_the_first_load_and_the_rest_load_on_first_visit():
    index = (CONSOLE / "index.html").read_text()
    main = (CONSOLE / "js" / "main.js").resolve()
    first_load, todo = set(), [main]  # what main.js imports statically, directly or not
    while todo:
        module = todo.pop()
        for imported in _imports(module, r'from "(\.[^"]+)"') - first_load:
            first_load.add(imported)
            todo.append(imported)
    later = set().union(*(_imports(m, r'import\("(\.[^"]+)"\)') for m in (CONSOLE / "js").rglob("*.js")))
    preloaded = {(CONSOLE / href).resolve() for href in re.findall(r'<link rel="modulepreload" href="([^"]+)">', index)}
    assert '<script type="module" src="js/main.js"></script>' in index
    assert preloaded == first_load - {main}
    assert later and not later & first_load  # loaded on first visit: not part of the first load's budget
    assert first_load | later | {main} == {p.resolve() for p in (CONSOLE / "js").rglob("*.js")}  # nothing unused


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
