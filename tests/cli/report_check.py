#!/usr/bin/env python3
"""Checks of report pages for tests/cli/test_report.sh.

    report_check.py static PAGE.html N LABEL           the page as written
    report_check.py rendered DOM.html SHOT.png N LABEL  the page as Chromium rendered it

Each prints one line per check, "PASS name" or "FAIL name: why", and exits 0.
"""
import re
import sys


def report(name, ok, why=""):
    print(f"PASS {name}" if ok else f"FAIL {name}: {why}")


def figures(text):
    return re.findall(r'<figure class="chart">(.*?)</figure>', text, flags=re.S)


def static(path, n, label):
    """N figures, each an inline SVG with a title and axis labels, and a caption with a title
    and a reading aid; nothing is fetched from elsewhere."""
    n = int(n)
    text = open(path, encoding="utf-8").read()
    figs = figures(text)
    report(f"report {label}: {n} figures on the page", len(figs) == n and n > 0, f"{len(figs)} figures")
    no_svg = [i for i, f in enumerate(figs) if "<svg" not in f]
    report(f"report {label}: every figure is an inline SVG", not no_svg, f"figures {no_svg} have none")
    # Captions: "<b>Figure i. Title.</b> reading aid" with a sentence of some length.
    caps = [re.search(r"<figcaption><b>Figure \d+\. ([^<]+)</b>\s*([^<]+)</figcaption>", f) for f in figs]
    bad = [i for i, c in enumerate(caps) if not c or len(c.group(2).strip()) < 30 or not c.group(2).strip().endswith(".")]
    report(f"report {label}: every figure has a title and a one-sentence reading aid", not bad,
           f"figures {bad} lack one")
    # Matplotlib writes titles and axis labels as SVG text (svg.fonttype none): a chart has
    # text beyond its tick labels. Axis labels carry units in parentheses or as unit words.
    few = [i for i, f in enumerate(figs) if len(re.findall(r"<text", f)) < 6]
    report(f"report {label}: every chart has title, axis labels and ticks as text", not few,
           f"figures {few} have little text")
    fetch = re.findall(r'(?:src|href)\s*=\s*"(?!#|data:)[^"]*"|<script|<link|url\((?!#)', text)
    report(f"report {label}: self-contained (nothing loaded from elsewhere)", not fetch, f"found {fetch[:3]}")


def rendered(dom_path, png_path, n, label):
    """Chromium parsed every chart, and the screenshot shows a page, not a blank."""
    n = int(n)
    try:
        dom = open(dom_path, encoding="utf-8", errors="replace").read()
    except OSError as e:
        return report(f"report {label}: Chromium rendered the page", False, str(e))
    svgs = len(re.findall(r"<svg\b", dom))
    report(f"report {label}: Chromium's DOM holds all {n} charts", svgs >= n and n > 0 and "<figcaption>" in dom,
           f"{svgs} svg elements")
    try:
        import matplotlib.image as mpimg
        img = mpimg.imread(png_path)
    except (OSError, SyntaxError, ValueError) as e:
        return report(f"report {label}: screenshot", False, f"cannot read {png_path}: {e}")
    grey = img[..., :3].mean(axis=2)
    inked = float((grey < 0.9).mean())
    colour = float((img[..., :3].std(axis=2) > 0.1).mean())
    report(f"report {label}: the screenshot shows text and coloured charts ({inked:.1%} inked, "
           f"{colour:.1%} coloured)", inked > 0.02 and colour > 0.002, "looks blank")


if __name__ == "__main__":
    cmd = {"static": static, "rendered": rendered}.get(sys.argv[1] if len(sys.argv) > 1 else "")
    if not cmd:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmd(*sys.argv[2:])
