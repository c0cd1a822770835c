"""The web console's weight and speed on the running local stack (`make dev`), in Debian's headless Chromium.

    .venv/bin/python -m bench.console_load [--state-dir .local] [--runs 5]

Reads the stack's address and the demo key from <state-dir>/stack.json and demo.json. For each run, in a fresh
browser context (empty cache): the first load (the connect screen until its key field can be typed in), the key
pasted and Conectar pressed until the billing list says how many vouchers it shows, then a reload (the key is in the
tab's sessionStorage: straight to the billing list). Printed: the bytes of the console's own files (uncompressed, as
served; the local stack does not compress, CloudFront does) and of the API's answers, what went over the wire on the
reload (ETags: 304s), and the median times. Target: under 150 KB and under 1 s to the billing list.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
COUNT = "#main p[role=status]"  # "N comprobantes"
RESOURCES = """() => performance.getEntriesByType("navigation").concat(performance.getEntriesByType("resource"))
  .map(e => ({ name: e.name, decoded: e.decodedBodySize, transfer: e.transferSize }))"""


def sizes(entries: list[dict]) -> tuple[int, int, int]:
    console = [e for e in entries if "/v1/" not in e["name"]]
    api = [e for e in entries if "/v1/" in e["name"]]
    return sum(e["decoded"] for e in console), sum(e["decoded"] for e in api), sum(e["transfer"] for e in entries)


def run_once(browser, api_url: str, key: str) -> dict:
    context = browser.new_context(base_url=api_url, locale="es-AR", timezone_id="America/Argentina/Buenos_Aires")
    page = context.new_page()
    page.goto("/")
    page.get_by_label("Clave de API").wait_for()
    interactive = page.evaluate("performance.now()")
    page.get_by_label("Clave de API").fill(key)
    clicked = page.evaluate("performance.now()")
    page.get_by_role("button", name="Conectar").click()
    page.locator(COUNT).filter(has_text="comprobante").wait_for()
    listed = page.evaluate("performance.now()")
    first_console, first_api, first_wire = sizes(page.evaluate(RESOURCES))
    page.reload()
    page.locator(COUNT).filter(has_text="comprobante").wait_for()
    reload_listed = page.evaluate("performance.now()")
    _, _, reload_wire = sizes(page.evaluate(RESOURCES))
    files = len([e for e in page.evaluate(RESOURCES) if "/v1/" not in e["name"]])
    context.close()
    return {
        "interactive_ms": interactive,
        "connect_to_list_ms": listed - clicked,
        "reload_to_list_ms": reload_listed,
        "console_bytes": first_console,
        "api_bytes": first_api,
        "first_wire_bytes": first_wire,
        "reload_wire_bytes": reload_wire,
        "files": files,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.console_load", description=__doc__)
    parser.add_argument("--state-dir", type=Path, default=Path(".local"))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    stack = json.loads((args.state_dir / "stack.json").read_text())
    key = json.loads((args.state_dir / "demo.json").read_text())["test_key"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        run_once(browser, stack["api_url"], key)  # warm-up: the API function's cold start is not the console's
        runs = [run_once(browser, stack["api_url"], key) for _ in range(args.runs)]
        browser.close()
    median = {name: statistics.median(r[name] for r in runs) for name in runs[0]}
    print(f"console on {stack['api_url']}: {args.runs} runs in fresh browser contexts (medians)")
    print(f"  console files      {median['files']:.0f} files, {median['console_bytes'] / 1024:.1f} KB uncompressed")
    print(f"  API answers        {median['api_bytes'] / 1024:.1f} KB (account, customers, invoices)")
    print(f"  first load         {median['first_wire_bytes'] / 1024:.1f} KB over the wire")
    print(f"  reload             {median['reload_wire_bytes'] / 1024:.1f} KB over the wire (304s for unchanged files)")
    print(f"  time to interactive (connect screen)  {median['interactive_ms']:.0f} ms")
    print(f"  Conectar -> billing list              {median['connect_to_list_ms']:.0f} ms")
    print(f"  reload -> billing list                {median['reload_to_list_ms']:.0f} ms")
    target = median["console_bytes"] < 150 * 1024 and median["reload_to_list_ms"] < 1000
    print(f"  target (<150 KB, <1 s to the list)   {'met' if target else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
