"""Pictures for the notebooks: one function per chart, fixed sizes and DPI so outputs are reproducible.

Each function draws, shows and closes its figure (so a notebook cell displays it once) and returns nothing. The
figure is displayed with an alt text in its output metadata (``metadata["image/png"]["alt"]``, where nbconvert and
the docs site read it): what kind of chart it is, its title, and what it shows.
"""

from __future__ import annotations

import functools
import importlib.util
import io
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
from IPython.display import Image as PNG
from IPython.display import display
from matplotlib.axes import Axes
from matplotlib.transforms import Bbox
from numpy.typing import ArrayLike
from PIL.Image import Image

STYLE: dict[str, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "openai-endpoint-notebooks",
    # Latin text in DejaVu Sans (matplotlib's own), Hangul from NanumGothic: matplotlib falls back glyph by glyph.
    "font.family": ["DejaVu Sans", "NanumGothic"],
}
KOREAN_FONT_PACKAGE = "koreanize_matplotlib"
PALETTE = ["#10a37f", "#5436da", "#ef4146", "#ff9900", "#19c37d", "#8e8ea0", "#2a6fdb", "#d14d72"]


ALT_LIMIT = 12  # items named in an alt text before "and N more"


@functools.cache
def register_korean_font() -> Path | None:
    """Register the NanumGothic files that koreanize-matplotlib ships, the same on every machine.

    The package is not imported: importing it sets matplotlib's global font and ``axes.unicode_minus`` for every
    later figure (and imports the deprecated distutils); only its font files are used, inside our ``rc_context``.
    """
    from matplotlib import font_manager

    spec = importlib.util.find_spec(KOREAN_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    fonts = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    for path in sorted(fonts.glob("NanumGothic*.ttf")):
        font_manager.fontManager.addfont(str(path))
    return fonts


@contextmanager
def _figure(width: float, height: float, alt: str, **subplots: Any) -> Iterator[tuple[Any, Any]]:
    register_korean_font()
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(figsize=(width, height), **subplots)
        yield fig, axes
        fig.tight_layout()
        display(PNG(data=palette_png(fig), metadata={"alt": alt}))  # type: ignore[no-untyped-call]
        plt.close(fig)


def palette_png(fig: Any) -> bytes:
    """The figure as the inline backend draws it (tight box) in 256 colours: a quarter of the RGBA bytes, same look.

    Pillow's quantizer does what pngquant would for flat charts and pictures; the site's pages stay within budget.
    """
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", bbox_inches="tight")
    with PIL.Image.open(drawn) as image:
        palette = image.convert("RGB").quantize(256, method=PIL.Image.Quantize.FASTOCTREE)
    saved = io.BytesIO()
    palette.save(saved, format="PNG", optimize=True)
    return saved.getvalue()


def _listing(items: Sequence[str]) -> str:
    shown = [item.rstrip(".") for item in items[:ALT_LIMIT]]
    more = len(items) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _titled(kind: str, title: str) -> str:
    return f"{kind}: {title}." if title else f"{kind}."


def heatmap(
    matrix: ArrayLike,
    rows: Sequence[str],
    columns: Sequence[str] | None = None,
    *,
    title: str = "",
    value_format: str = "{:.2f}",
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
) -> None:
    """A labelled heatmap with each cell's value written in it (e.g. cosine similarities)."""
    values = np.asarray(matrix, dtype=float)
    columns = list(rows if columns is None else columns)
    width = min(2.5 + 0.9 * len(columns), 13.0)
    height = min(1.6 + 0.45 * len(rows), 10.0)
    alt = (
        f"{_titled('Heatmap', title)} {len(rows)} rows ({_listing(rows)}) by {len(columns)} columns"
        f" ({_listing(columns)}); values from {np.nanmin(values):.2f} to {np.nanmax(values):.2f}."
    )
    with _figure(width, height, alt) as (fig, ax):
        image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        ax.set_xticks(range(len(columns)), labels=columns, rotation=40, ha="right")
        ax.set_yticks(range(len(rows)), labels=list(rows))
        ax.spines[:].set_visible(False)
        lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
        middle = (lo + hi) / 2
        for (i, j), value in np.ndenumerate(values):
            colour = "white" if value < middle else "black"
            ax.text(j, i, value_format.format(value), ha="center", va="center", color=colour, fontsize=8)
        fig.colorbar(image, ax=ax, shrink=0.8)
        ax.set_title(title)


def scatter_clusters(
    points: ArrayLike,
    labels: Sequence[str],
    clusters: Sequence[int],
    *,
    title: str = "",
    xlabel: str = "component 1",
    ylabel: str = "component 2",
    cluster_label: str = "cluster {}",
) -> None:
    """A 2-D projection of embeddings, coloured by cluster, each point labelled with its text.

    ``cluster_label`` names a cluster in the legend (``{}`` is its number)."""
    xy = np.asarray(points, dtype=float)
    groups = {c: [label for label, k in zip(labels, clusters, strict=True) if k == c] for c in sorted(set(clusters))}
    described = " ".join(f"Cluster {c}: {_listing(members)}." for c, members in groups.items())
    alt = f"{_titled('Scatter plot', title)} {len(labels)} points in {len(groups)} clusters. {described}"
    with _figure(9.0, 6.0, alt) as (fig, ax):
        for cluster in groups:
            mask = np.asarray(clusters) == cluster
            ax.scatter(
                xy[mask, 0],
                xy[mask, 1],
                s=60,
                color=PALETTE[cluster % len(PALETTE)],
                label=cluster_label.format(cluster),
            )
        ax.margins(0.12)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(loc="best", fontsize=8)
        ax.set_title(title)
        _place_labels(fig, ax, xy, [_shorten(text, 28) for text in labels])


# Where a point's label may go, in points from the point, tried in this order.
LABEL_OFFSETS = [(6, 4), (6, -12), (-6, 4), (-6, -12), (6, 14), (-6, 14), (6, -22), (-6, -22), (0, 24), (0, -30)]


def _place_labels(fig: Any, ax: Axes, xy: np.ndarray[Any, Any], texts: Sequence[str]) -> None:
    """Label each point, moving a label to the first nearby spot where it overlaps no earlier label or point."""
    renderer = fig.canvas.get_renderer()
    fig.tight_layout()  # place the axes first: label positions are measured on the final layout
    points = [ax.transData.transform((x, y)) for x, y in xy]
    dots = [Bbox.from_extents(px - 4, py - 4, px + 4, py + 4) for px, py in points]
    placed: list[Bbox] = []
    for index, ((x, y), text) in enumerate(zip(xy, texts, strict=True)):
        label = None
        for dx, dy in LABEL_OFFSETS:
            if label is not None:
                label.remove()
            label = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx >= 0 else "right",
                fontsize=8,
            )
            box = label.get_window_extent(renderer).expanded(1.02, 1.1)
            others = placed + [dot for i, dot in enumerate(dots) if i != index]
            if not any(box.overlaps(other) for other in others):
                break
        if label is not None:
            placed.append(label.get_window_extent(renderer))


def bars(
    values: Mapping[str, float],
    *,
    title: str = "",
    xlabel: str = "",
    highlight: Sequence[str] = (),
    threshold: float | None = None,
    horizontal: bool = True,
    value_format: str = "{:.3f}",
) -> None:
    """A bar chart of named values (scores, counts), highlighted bars in a second colour."""
    names = list(values)
    numbers = [float(values[n]) for n in names]
    colours = [PALETTE[2] if n in highlight else PALETTE[0] for n in names]
    pairs = [f"{name.rstrip('.')}: {value_format.format(number)}" for name, number in zip(names, numbers, strict=True)]
    alt = f"{_titled('Bar chart', title)} {len(names)} bars: {_listing(pairs)}."
    if highlight:
        alt += f" Highlighted: {_listing(list(highlight))}."
    if horizontal:
        with _figure(8.0, 1.2 + 0.32 * len(names), alt) as (_, ax):
            ax.barh(range(len(names)), numbers, color=colours)
            ax.set_yticks(range(len(names)), labels=names)
            ax.invert_yaxis()
            for i, v in enumerate(numbers):
                ax.text(v, i, " " + value_format.format(v), va="center", fontsize=8)
            if threshold is not None:
                ax.axvline(threshold, color="grey", linestyle="--", linewidth=1)
            ax.set_xlabel(xlabel)
            ax.set_title(title)
    else:
        with _figure(max(4.0, 0.8 * len(names) + 2), 4.0, alt) as (_, ax):
            ax.bar(range(len(names)), numbers, color=colours)
            ax.set_xticks(range(len(names)), labels=names, rotation=30, ha="right")
            for i, v in enumerate(numbers):
                ax.text(i, v, value_format.format(v), ha="center", va="bottom", fontsize=8)
            ax.set_ylabel(xlabel)
            ax.set_title(title)


def lines(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    xlabel: str = "",
    ylabel: str = "",
    log_x: bool = False,
) -> None:
    """One or more lines over a shared x axis (e.g. ranking quality against ``dimensions``)."""
    xs = list(x)
    trends = [
        f"{name} from {float(ys[0]):.2f} at {xs[0]:g} to {float(ys[-1]):.2f} at {xs[-1]:g}"
        for name, ys in series.items()
        if len(ys)
    ]
    axis = f" over {xlabel}" if xlabel else ""
    alt = f"{_titled('Line chart', title)} {len(trends)} line(s){axis}: {_listing(trends)}."
    with _figure(8.0, 4.0, alt) as (_, ax):
        for i, (name, ys) in enumerate(series.items()):
            ax.plot(list(x), list(ys), marker="o", color=PALETTE[i % len(PALETTE)], label=name)
        if log_x:
            ax.set_xscale("log", base=2)
            ax.set_xticks(list(x), labels=[str(int(v)) for v in x])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_title(title)


def timeline(
    dates: Sequence[Any], labels: Sequence[str], *, title: str = "", marks: Mapping[str, Any] | None = None
) -> None:
    """Events on a time axis, one row each (e.g. models by ``created``); ``marks`` adds dashed date lines."""
    events = [f"{label} ({_day(when)})" for label, when in zip(labels, dates, strict=True)]
    alt = f"{_titled('Timeline', title)} {len(labels)} items: {_listing(events)}."
    if marks:
        alt += " Dashed lines: " + "; ".join(f"{name} ({_day(when)})" for name, when in marks.items()) + "."
    with _figure(9.0, 1.2 + 0.3 * len(labels), alt) as (_, ax):
        ax.scatter(list(dates), range(len(labels)), color=PALETTE[1], zorder=3)
        ax.set_yticks(range(len(labels)), labels=list(labels), fontsize=8)
        ax.invert_yaxis()
        for i, (name, when) in enumerate((marks or {}).items()):
            ax.axvline(when, color=PALETTE[2 + i % 2], linestyle="--", linewidth=1, label=name)
        if marks:
            # Above the plot, under the title: inside the axes it would cover the latest points.
            ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(marks), frameon=False)
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(title, pad=22 if marks else 6)


def _day(when: Any) -> str:
    return str(when.strftime("%Y-%m-%d")) if hasattr(when, "strftime") else str(when)


def images(
    pictures: Sequence[Image], titles: Sequence[str] = (), *, columns: int | None = None, width: float = 4.0
) -> None:
    """Pictures side by side (or in a grid), each with an optional title; transparency shown as a checkerboard."""
    count = len(pictures)
    columns = columns or count
    rows = -(-count // columns)
    named = [titles[i] if i < len(titles) else f"picture {i + 1}" for i in range(count)]
    sizes = [f"{name} ({p.width}x{p.height})" for name, p in zip(named, pictures, strict=True)]
    kind = "Picture" if count == 1 else f"{count} pictures side by side"
    alt = f"{kind}: {_listing(sizes)}."
    with _figure(width * columns, width * rows, alt, nrows=rows, ncols=columns, squeeze=False) as (_, axes):
        for index, ax in enumerate(axes.flat):
            ax.axis("off")
            if index >= count:
                continue
            picture = pictures[index]
            if picture.mode in ("RGBA", "LA"):
                _checkerboard(ax, picture.size)
            ax.imshow(np.asarray(picture))
            if index < len(titles):
                ax.set_title(titles[index])


def filmstrip(pictures: Sequence[Image], labels: Sequence[str], *, title: str = "", width: float = 2.6) -> None:
    """Frames in the order they arrived, left to right, each labelled (e.g. a stream's partial images, then the
    final one); transparency shown as a checkerboard."""
    if len(labels) != len(pictures):
        raise ValueError(f"filmstrip needs one label per picture: got {len(labels)} labels, {len(pictures)} pictures")
    frames = [f"{label} ({p.width}x{p.height})" for label, p in zip(labels, pictures, strict=True)]
    alt = f"{_titled('Filmstrip', title)} {len(pictures)} pictures in order, left to right: {_listing(frames)}."
    tallest = max((p.height / p.width for p in pictures), default=1.0)
    height = width * tallest + (0.9 if title else 0.5)
    with _figure(width * len(pictures), height, alt, ncols=len(pictures), squeeze=False) as (fig, axes):
        for ax, picture, label in zip(axes.flat, pictures, labels, strict=True):
            ax.axis("off")
            if picture.mode in ("RGBA", "LA"):
                _checkerboard(ax, picture.size)
            ax.imshow(np.asarray(picture))
            ax.set_title(label, fontsize=10)
        if title:
            fig.suptitle(title)


def _checkerboard(ax: Axes, size: tuple[int, int], square: int = 32) -> None:
    w, h = size
    board = (np.add.outer(np.arange(h) // square, np.arange(w) // square) % 2) * 0.12 + 0.82
    ax.imshow(board, cmap="gray", vmin=0, vmax=1)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def modes_diagram(labels: Mapping[str, str] | None = None) -> None:
    """Where a notebook's requests go in each mode: explore, replay, record, live.

    ``labels`` replaces any text drawn (box labels, notes, the title) by the English text it maps from, e.g. for a
    translated notebook; the mode names are the values one sets, and stay."""
    said = dict(labels or {})
    rows = [
        (
            "explore",
            [("notebook", 0), ("helpers.start()", 1), ("cassettes/ first,\nelse a local sandbox", 3)],
            "recorded answers; anything new answered live by a local sandbox",
        ),
        ("replay", [("notebook", 0), ("helpers.start()", 1), ("cassettes/", 3)], "answers read from recordings only"),
        (
            "record",
            [("notebook", 0), ("helpers.start()", 1), ("OpenAI or sandbox", 2), ("cassettes/", 3)],
            "live answers, written to recordings",
        ),
        ("live", [("notebook", 0), ("helpers.start()", 1), ("OpenAI or sandbox", 2)], "live answers, nothing kept"),
    ]
    colours = {0: PALETTE[6], 1: PALETTE[0], 2: PALETTE[1], 3: PALETTE[3]}
    title = "Where requests go in each mode"
    alt = "Diagram: where requests go in each mode. " + " ".join(
        f"{mode}: {' to '.join(label for label, _ in boxes)}, {note}." for mode, boxes, note in rows
    )
    with _figure(10.0, 4.6, alt) as (_, ax):
        ax.set_xlim(-1.2, 4.2)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.axis("off")
        for y, (mode, boxes, note) in enumerate(reversed(rows)):
            ax.text(-1.1, y, mode, fontsize=12, fontweight="bold", va="center")
            for (label, x), nxt in zip(boxes, [*boxes[1:], None], strict=True):
                ax.text(
                    x,
                    y,
                    said.get(label, label),
                    ha="center",
                    va="center",
                    fontsize=9,
                    color="white",
                    bbox={"boxstyle": "round,pad=0.5", "facecolor": colours[x], "edgecolor": "none"},
                )
                if nxt is not None:
                    ax.annotate(
                        "",
                        xy=(nxt[1] - 0.42, y),
                        xytext=(x + 0.42, y),
                        arrowprops={"arrowstyle": "->", "color": "#444444"},
                    )
            ax.text(3.6, y - 0.32, said.get(note, note), ha="right", fontsize=8, color="#555555")
        ax.set_title(said.get(title, title))
