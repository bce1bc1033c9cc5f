#!/usr/bin/env python3
"""Checks of report pages for tests/cli/test_report.sh.

    report_check.py static PAGE.html N LABEL           the page as written
    report_check.py rendered DOM.html SHOT.png N LABEL  the page as Chromium rendered it
    report_check.py content KIND PAGE.html FILE.h5       what the page says, against the file

The content checks recompute what they check from the HDF5 file with h5py, numpy and scipy
alone (never with analysis/wijksim), so a page that drops a feature or gets it wrong fails.

Each prints one line per check, "PASS name" or "FAIL name: why", and exits 0.
"""
import html as htmllib
import re
import sys

MINUS = "\u2212"


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


# ---- content ---------------------------------------------------------------------------------

def one(v):
    """An attribute as one value, whether the file stores a scalar or a one-element array."""
    v = v.reshape(-1)[0] if hasattr(v, "reshape") else v
    return v.decode() if isinstance(v, bytes) else v


def strip(cell):
    return htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def numbers(text):
    """The numbers in a text as floats (a true minus, thousands separators)."""
    return [float(x.replace(",", "").replace(MINUS, "-")) for x in re.findall(r"[+\-\u2212]?\d[\d,]*\.?\d*", text)]


def half_unit(text):
    """Half a unit of the last digit the first number in a text is shown with (its rounding)."""
    m = re.search(r"[+\-\u2212]?\d[\d,]*(\.\d*)?", text)
    decimals = len(m.group(1)) - 1 if m and m.group(1) else 0
    return 0.5 * 10 ** -decimals


def tables(text, cls):
    """Rows of cells (HTML) of every table of the class."""
    out = []
    for t in re.findall(rf'<table class="{cls}">(.*?)</table>', text, flags=re.S):
        out.append([re.findall(r"<td[^>]*>(.*?)</td>", r, flags=re.S) for r in re.findall(r"<tr>(.*?)</tr>", t, flags=re.S)
                    if "<td" in r])
    return out


def content_cmp(text, h5):
    import h5py
    import numpy as np
    from scipy import stats
    f = h5py.File(h5, "r")
    groups = str(one(f.attrs["scenario_groups"])).split(",")
    sc = [f["scenarios"][g] for g in groups]
    labels = [str(one(g.attrs["label"])) for g in sc]
    summary = re.search(r'<section class="summary">(.*?)</section>', text, flags=re.S)
    first_fig = text.find('<figure class="chart">')
    report("report cmp: the page opens with a summary, before any chart",
           bool(summary) and 0 <= text.find('<section class="summary">') < first_fig, "no summary first")
    summary = summary.group(1) if summary else ""
    # Per scenario, what it changes: every policy step of its /policy table not in the reference's.
    ref_steps = {tuple(one(x) for x in r) for r in np.atleast_1d(sc[0]["policy"][()])} if "policy" in sc[0] else set()
    missing = []
    for g, label in zip(sc[1:], labels[1:]):
        block = summary.split(htmllib.escape(label), 1)[-1]
        changes = re.search(r'<ul class="changes">(.*?)</ul>', block, flags=re.S)
        changes = strip(changes.group(1)) if changes else ""
        for r in np.atleast_1d(g["policy"][()]):
            w, name, _, v = (one(x) for x in r)
            if (w, name, _, v) in ref_steps:
                continue
            if not (name in changes and f"week {w}" in changes and any(abs(x - v) < 1e-9 * max(1, abs(v))
                                                                        for x in numbers(changes))):
                missing.append(f"{label}: {name} = {v} from week {w}")
    report("report cmp: the summary lists every policy step of every scenario with its week and value",
           not missing, "; ".join(missing) or "no scenario")
    # Headline differences in words, with the interval: total cost and unmet need.
    names = str(one(sc[0]["outcomes"].attrs["outcome_names"])).split(",")
    hz = [int(x) for x in np.asarray(sc[0]["outcomes"].attrs["horizon_years"]).reshape(-1)]
    bad = []
    heads = re.findall(r'<ul class="headline">(.*?)</ul>', summary, flags=re.S)
    for i, g in enumerate(sc[1:]):
        items = [strip(x) for x in re.findall(r"<li>(.*?)</li>", heads[i], flags=re.S)] if i < len(heads) else []
        for name, word in (("cost_total", "total cost"), ("unmet_need", "unmet need")):
            k = names.index(name)
            d = g["outcomes"][:, len(hz) - 1, k] - sc[0]["outcomes"][:, len(hz) - 1, k]
            item = next((x for x in items if x.startswith(word)), "")
            got = numbers(item)
            scale = max(abs(d.mean()) * 0.01, 10 ** -3) + half_unit(item)  # and the rounding shown
            if len(got) < 3 or abs(got[0] - d.mean()) > scale + 0.05 * abs(d.std()):
                bad.append(f"{labels[i + 1]}: {word} says {got[:3]}, the file gives {d.mean():.4g}")
            elif not got[1] <= got[0] <= got[2]:
                bad.append(f"{labels[i + 1]}: {word} interval {got[1:3]} does not hold {got[0]}")
    report("report cmp: the summary states the paired differences in cost and unmet need with intervals",
           not bad and len(heads) == len(sc) - 1, "; ".join(bad) or f"{len(heads)} headline lists")
    report("report cmp: money is stated for the simulated population and per 1,000 residents",
           "residents simulated" in summary and "per 1,000 residents" in summary, "missing")
    # Paired differences as the main charts: beside the levels, and at each horizon.
    diff_figs = len(re.findall(r"Difference from " + re.escape(htmllib.escape(labels[0])), text))
    report(f"report cmp: paired-difference charts beside the levels ({diff_figs})",
           diff_figs >= 5 and "Differences from" in text, "too few")
    # Significance marks in the outcome table: recomputed with scipy's t.
    t = stats.t.ppf(0.975, sc[0]["outcomes"].shape[0] - 1)
    want = 0
    for h in range(len(hz)):
        for g in sc[1:]:
            d = g["outcomes"][:, h, :] - sc[0]["outcomes"][:, h, :]
            m, se = d.mean(axis=0), d.std(axis=0, ddof=1) / np.sqrt(d.shape[0])
            # a difference the same in every replicate (se 0) is clear unless it is 0
            want += int(np.sum(np.abs(m) > t * se))
    got = len(re.findall(r'class="sig (?:better|worse|changed)"', text))
    report(f"report cmp: the outcome table marks every paired difference whose interval excludes 0 ({got} of {want})",
           got == want, f"{got} marked, {want} expected")
    # Levels: no interval of a count or a cost below zero; one number format per row.
    neg, fmt_bad = [], []
    for rows in tables(text, "outcomes"):
        for r in rows:
            cells = [strip(c) for c in r[2:]]
            for c in cells[:len(sc)]:
                if "[" in c and any(x < 0 for x in numbers(c.split("[", 1)[1])):
                    neg.append(strip(r[0]))
            decs = {len(x.split(".")[1]) if "." in x else 0
                    for c in cells for x in re.findall(r"\d[\d,]*(?:\.\d+)?", c)}
            if len(decs) > 1:
                fmt_bad.append(strip(r[0]))
    report("report cmp: no level interval in the table reaches below zero", not neg, f"rows {neg[:3]}")
    report("report cmp: each table row has one number format", not fmt_bad, f"rows {fmt_bad[:3]}")
    report("report cmp: 'escalation' is not used for anything but needs worsening",
           "scalation" not in re.sub(r"<svg.*?</svg>", "", text, flags=re.S), "the page says escalation")


def content_sweep(text, h5, kind):
    import h5py
    import numpy as np
    f = h5py.File(h5, "r")
    cols = f["columns"][()]
    factors = [c for c in cols if one(c["kind"]) == "factor"]

    def param(c):
        names = c.dtype.names
        return str(one(c["parameter"]) if "parameter" in names and one(c["parameter"]) else one(c["label"]))

    # The plausible range (registry) beside the sampled one: base value times the factors.
    bad = []
    rows = tables(text, "factors")[0] if tables(text, "factors") else []
    for c in factors:
        p = param(c)
        d = f["base/parameters"][p]
        lo, hi = sorted(float(d[()].reshape(-1)[0]) * x for x in np.asarray(d.attrs["plausible_range_factor"]).reshape(-1))
        row = next((r for r in rows if strip(r[0]) == p), None)
        got = numbers(strip(row[4])) if row else []
        if len(got) < 2 or abs(got[0] - lo) > 0.01 * abs(lo) or abs(got[1] - hi) > 0.01 * abs(hi):
            bad.append(f"{p}: page {got[:2]}, registry {lo:g}-{hi:g}")
    report(f"report {kind}: every parameter's plausible range (registry) beside its sampled range",
           not bad and len(rows) == len(factors), "; ".join(bad) or f"{len(rows)} rows")
    report(f"report {kind}: the tornado is coloured by better and worse, with its key",
           "raising it is better" in text and "raising it is worse" in text, "no key")
    if kind == "sobol":
        sob = tables(text, "sobol")
        header = re.search(r'<table class="sobol"><thead>(.*?)</thead>', text, flags=re.S)
        report("report sobol: the Sobol table has the sampled and the plausible range",
               bool(sob) and header is not None and "plausible range (registry)" in header.group(1)
               and "sampled range" in header.group(1)
               and all(len(numbers(strip(r[3]))) >= 2 for r in sob[0]), "missing")
        P = f["points"][()]
        k = P.shape[1]
        N = P.shape[0] // (k + 2)
        shared = int((P[:N] == P[N:2 * N]).any(axis=1).sum())
        says = f"All {N} base samples are used" in text if shared == 0 else f"{shared} base sample" in text
        report(f"report sobol: the page says how many base samples share a value ({shared})", says, "wrong or missing")
        report("report sobol: a new Saltelli design shares no row between A and B", shared == 0,
               f"{shared} of {N} rows share a factor value (sim/design.c)")
    if kind == "fact":
        report("report fact: a factorial sweep has interaction plots",
               "Do the parameters interact?" in text and "Interaction of " in text, "missing")
        # The interaction sentence for the total cost, recomputed from the run table.
        runs = f["runs"][()]
        P = f["points"][()]
        a, b = factors[0]["name"], factors[1]["name"]
        a, b = one(a), one(b)
        la, lb = np.unique(runs[a]), np.unique(runs[b])
        if len(lb) > len(la):
            a, b, la, lb = b, a, lb, la
        h = int(np.asarray(f.attrs["horizon_years"]).reshape(-1)[-1])
        y = runs[f"cost_total_y{h}"]

        def cell(va, vb):
            return np.array([y[(runs[a] == va) & (runs[b] == vb) & (runs["replicate"] == r)].mean()
                             for r in np.unique(runs["replicate"])])
        effect = (cell(la[-1], lb[0]) - cell(la[0], lb[0])).mean()
        inter = ((cell(la[-1], lb[-1]) - cell(la[0], lb[-1])) - (cell(la[-1], lb[0]) - cell(la[0], lb[0]))).mean()
        items = re.search(r'<ul class="interaction">(.*?)</ul>', text, flags=re.S)
        item = next((strip(x) for x in re.findall(r"<li>(.*?)</li>", items.group(1), flags=re.S)
                     if strip(x).startswith("Cost, total")), "") if items else ""
        got = numbers(item.split("changes it by", 1)[-1]) if item else []
        tail = numbers(item.split("(interaction) is", 1)[-1]) if item else []
        ok = (len(got) >= 1 and abs(got[0] - effect) <= 0.01 * abs(effect) + 0.05
              and len(tail) >= 1 and abs(tail[0] - inter) <= 0.05 * abs(effect) + 0.05)
        report("report fact: the interaction of the extreme levels matches the run table", ok,
               f"page {got[:1]} and {tail[:1]}, run table {effect:.3g} and {inter:.3g}")


def content(kind, page, h5):
    text = open(page, encoding="utf-8").read()
    if kind == "cmp":
        content_cmp(text, h5)
    elif kind in ("lhs", "sobol", "fact"):
        content_sweep(text, h5, kind)


if __name__ == "__main__":
    cmd = {"static": static, "rendered": rendered, "content": content}.get(sys.argv[1] if len(sys.argv) > 1 else "")
    if not cmd:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmd(*sys.argv[2:])
