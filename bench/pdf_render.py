"""Voucher PDF rendering: milliseconds and bytes of a one-page voucher (without and with a logo) and of a 300-line
voucher, through `render_invoice` in this process.

    .venv/bin/python -m bench.pdf_render [--runs 200] [--long-runs 20]

Each figure is the median over the runs, after a few warm-up renders (imports, font metrics and caches loaded, as
in a warm Lambda container). Targets: the one-page voucher without logo in at most 12 ms and under 60 KB; the
300-line voucher's time per page within 1.5x of the one-page voucher's (linear in its pages).
"""

import argparse
import re
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "layers" / "common")]

from billing.printing.render import render_invoice  # noqa: E402
from tests.support.sheets import ISSUER, logo_png, sheet_a, sheet_with_lines  # noqa: E402

WARM_UP = 5
TARGET_MS = 12
TARGET_BYTES = 60_000
TARGET_PER_PAGE_RATIO = 1.5


def measure(sheet, runs: int) -> tuple[float, int]:
    """Median milliseconds per render and the PDF's size."""
    for _ in range(WARM_UP):
        pdf = render_invoice(sheet)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        render_invoice(sheet)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000, len(pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200, help="renders of each one-page voucher")
    parser.add_argument("--long-runs", type=int, default=20, help="renders of the 300-line voucher")
    args = parser.parse_args()
    cases = (
        ("one page, no logo", sheet_a(), args.runs),
        ("one page, logo", sheet_a(issuer=replace(ISSUER, logo=logo_png())), args.runs),
        ("300 lines, no logo", sheet_with_lines(300), args.long_runs),
    )
    print(f"{'voucher':<22} {'pages':>5} {'ms':>8} {'ms/page':>8} {'bytes':>8}")
    results = {}
    for label, sheet, runs in cases:
        milliseconds, size = measure(sheet, runs)
        pages = len(re.findall(rb"/Type /Page(?!s)", render_invoice(sheet)))
        results[label] = (milliseconds, size, milliseconds / pages)
        print(f"{label:<22} {pages:>5} {milliseconds:>8.1f} {milliseconds / pages:>8.1f} {size:>8}")
    milliseconds, size, _ = results["one page, no logo"]
    verdict = "met" if milliseconds <= TARGET_MS and size < TARGET_BYTES else "MISSED"
    print(f"target for one page without logo: <= {TARGET_MS} ms and < {TARGET_BYTES} bytes: {verdict}")
    ratio = results["300 lines, no logo"][2] / results["one page, no logo"][2]
    verdict = "met" if ratio <= TARGET_PER_PAGE_RATIO else "MISSED"
    print(
        f"target, 300 lines linear in pages: {ratio:.2f}x one page's time per page"
        f" (<= {TARGET_PER_PAGE_RATIO}): {verdict}"
    )


if __name__ == "__main__":
    main()
