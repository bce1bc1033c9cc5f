"""Charts for the report: matplotlib figures rendered to inline SVG.

Every chart function takes plain arrays and text and returns a Figure; `svg` turns it into an
<svg> element that can sit in an HTML page without any file next to it. Titles, axis labels
(with units) and the reading aid are the caller's: this module only draws. Colours follow one
fixed cycle so a scenario keeps its colour in every chart of a report.
"""
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

COLOURS = ["#1f5a96", "#d9730d", "#2e8b57", "#b22222", "#7b4ea3", "#8c6d31", "#d1478f", "#5f6f7f"]
plt.rcParams.update({
    "svg.fonttype": "none",  # text stays text: smaller, sharp and searchable
    "font.size": 9, "axes.titlesize": 10, "axes.titleweight": "bold",
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True,
    "grid.color": "#dddddd", "grid.linewidth": 0.6, "legend.frameon": False,
    "figure.dpi": 100,
})
_count = [0]


def colour(i):
    return COLOURS[i % len(COLOURS)]


def svg(fig):
    """The figure as an <svg> element (no XML prologue), scaled to the page width. Each figure
    gets its own hash salt, so the ids of clip paths and markers differ between the charts of
    one page and the page is the same for the same data."""
    _count[0] += 1
    plt.rcParams["svg.hashsalt"] = f"wijksim-{_count[0]}"
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r'<svg\1 width="100%"', text, count=1)


def bands(x, series, title, xlabel, ylabel, ylim0=True):
    """Lines with shaded 95 % bands: series is a list of (label, mean, lo, hi)."""
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    for i, (label, mean, lo, hi) in enumerate(series):
        ax.plot(x, mean, color=colour(i), lw=1.4, label=label)
        if lo is not None and np.isfinite(lo).any():
            ax.fill_between(x, lo, hi, color=colour(i), alpha=0.2, lw=0)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if ylim0:
        ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
    if len(series) > 1:
        ax.legend(loc="best", fontsize=8)
    return fig


def lines(x, series, title, xlabel, ylabel, colours=None, legend_title=None):
    """Plain lines: series is a list of (label, values)."""
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    for i, (label, v) in enumerate(series):
        ax.plot(x, v, color=colours[i] if colours else colour(i), lw=1.2, label=label)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
    if len(series) > 1:
        ax.legend(loc="best", fontsize=7, ncol=2 if len(series) > 6 else 1, title=legend_title)
    return fig


def tradeoff(points, title, xlabel, ylabel):
    """One point per scenario with 95 % intervals on both axes: points is a list of
    (label, x, xlo, xhi, y, ylo, yhi)."""
    fig, ax = plt.subplots(figsize=(7.2, 3.6))
    for i, (label, x, xlo, xhi, y, ylo, yhi) in enumerate(points):
        xerr = [[x - xlo], [xhi - x]] if np.isfinite(xlo) else None
        yerr = [[y - ylo], [yhi - y]] if np.isfinite(ylo) else None
        ax.errorbar([x], [y], xerr=xerr, yerr=yerr, fmt="o", color=colour(i), ms=7, capsize=3, label=label)
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(6, 6), fontsize=8, color=colour(i))
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.margins(0.15)
    return fig


def stacked(x, layers, title, xlabel, ylabel, panels):
    """Small multiples of stacked areas: panels is a list of (panel title, [values per layer]),
    layers the layer names, the same in every panel."""
    n = len(panels)
    cols = min(n, 3)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(7.2, 2.6 * rows), sharey=True, squeeze=False)
    for k, (ptitle, values) in enumerate(panels):
        ax = axes[k // cols][k % cols]
        ax.stackplot(x, *values, colors=[colour(i) for i in range(len(layers))], labels=layers, alpha=0.85)
        ax.set_title(ptitle, fontsize=9)
        ax.set_xlabel(xlabel)
        if k % cols == 0:
            ax.set_ylabel(ylabel)
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    fig.suptitle(title, fontweight="bold", fontsize=10)
    axes[0][0].legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    return fig


def difference(x, mean, lo, hi, title, xlabel, ylabel, label, marks=()):
    """A paired difference with its band and the zero line; marks are (x, text) to flag."""
    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    ax.axhline(0, color="#333333", lw=0.8)
    ax.plot(x, mean, color=colour(1), lw=1.5, label=label)
    ax.fill_between(x, lo, hi, color=colour(1), alpha=0.2, lw=0)
    for mx, text in marks:
        ax.axvline(mx, color=colour(2), ls="--", lw=1)
        ax.annotate(text, (mx, ax.get_ylim()[1]), xytext=(4, -12), textcoords="offset points", fontsize=8,
                    color=colour(2))
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig


def tornado(panels, title, xlabel, xlim=None):
    """Horizontal bars per factor, strongest on top, one panel per outcome: panels is a list
    of (outcome title, factor names, values, lo, hi, second values or None, second label)."""
    n = len(panels)
    cols = 2 if n > 1 else 1
    rows = (n + cols - 1) // cols
    k = max(len(p[1]) for p in panels)
    fig, axes = plt.subplots(rows, cols, figsize=(7.2, (0.3 * k + 1.1) * rows), squeeze=False)
    for j, (ptitle, names, v, lo, hi, v2, label2) in enumerate(panels):
        ax = axes[j // cols][j % cols]
        order = np.argsort(-np.nan_to_num(np.abs(v), nan=-1))[::-1]
        y = np.arange(len(order))
        ax.barh(y + (0.2 if v2 is not None else 0), np.nan_to_num(v[order]), height=0.4 if v2 is not None else 0.6,
                color=colour(0) if v2 is not None else [colour(0) if x >= 0 else colour(3) for x in np.nan_to_num(v[order])],
                xerr=[np.nan_to_num(v[order] - lo[order]), np.nan_to_num(hi[order] - v[order])],
                error_kw={"lw": 0.8, "capsize": 2}, label="first order" if v2 is not None else None)
        if v2 is not None:
            ax.barh(y - 0.2, np.nan_to_num(v2[order]), height=0.4, color=colour(1), label=label2)
            ax.legend(loc="lower right", fontsize=7)
        ax.set_yticks(y, [names[i] for i in order], fontsize=8)
        ax.axvline(0, color="#333333", lw=0.8)
        ax.set_title(ptitle, fontsize=9)
        ax.set_xlabel(xlabel)
        if xlim:
            ax.set_xlim(*xlim)
    for j in range(n, rows * cols):
        axes[j // cols][j % cols].set_visible(False)
    fig.suptitle(title, fontweight="bold", fontsize=10)
    fig.tight_layout()
    return fig


def scatter(panels, title, ylabel):
    """Outcome against a factor, one panel per factor: panels is a list of (factor label with
    unit, x of every run, y of every run, x of every point, mean y of every point)."""
    n = len(panels)
    fig, axes = plt.subplots(1, n, figsize=(7.2, 2.8), sharey=True, squeeze=False)
    for j, (xlabel, x, y, px, py) in enumerate(panels):
        ax = axes[0][j]
        ax.scatter(x, y, s=6, color=colour(0), alpha=0.35, lw=0, rasterized=True, label="runs")
        order = np.argsort(px)
        ax.scatter(px[order], py[order], s=14, color=colour(1), lw=0, label="mean of a point")
        ax.set_xlabel(xlabel)
        if j == 0:
            ax.set_ylabel(ylabel)
            ax.legend(loc="best", fontsize=7)
    fig.suptitle(title, fontweight="bold", fontsize=10)
    fig.tight_layout()
    return fig


def bars(labels, values, lo, hi, title, xlabel, ylabel, colours=None):
    """Vertical bars with 95 % intervals."""
    fig, ax = plt.subplots(figsize=(7.2, 2.8))
    x = np.arange(len(labels))
    ax.bar(x, values, color=colours or colour(0), yerr=[values - lo, hi - values] if lo is not None else None,
           capsize=3, error_kw={"lw": 0.8})
    ax.set_xticks(x, labels, fontsize=8, rotation=30 if len(labels) > 6 else 0)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return fig
