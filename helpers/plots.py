"""Pictures for the notebooks: one function per chart, fixed sizes and DPI so outputs are reproducible.

Each function draws, shows and closes its figure (so a notebook cell displays it once) and returns nothing. The
figure is displayed with an alt text in its output metadata (``metadata["image/png"]["alt"]``, where nbconvert and
the docs site read it): what kind of chart it is, its title, and what it shows, in the notebook's language
(``helpers.messages``).

Charts are drawn at twice their display size (``metadata["image/png"]["width"]`` says the size to show) so their
text stays sharp on a phone's dense screen, and are sized for a phone's column: about 6.4 inches wide with 10-11 pt
text, so a label shown at a 390 px width is still about 9-10 px high. Pictures (``images``, ``filmstrip``) stay at
one pixel per pixel: they link to themselves at full size on the site, and doubling them would double the page.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import itertools
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

from helpers.messages import Lang, Messages, text, width

STYLE: dict[str, Any] = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "openai-endpoint-notebooks",
    # Latin text in DejaVu Sans (matplotlib's own), Hangul from NanumGothic: matplotlib falls back glyph by glyph.
    "font.family": ["DejaVu Sans", "NanumGothic"],
}
KOREAN_FONT_PACKAGE = "koreanize_matplotlib"
PALETTE = ["#10a37f", "#5436da", "#ef4146", "#ff9900", "#19c37d", "#8e8ea0", "#2a6fdb", "#d14d72"]
# Boxes with white text need a contrast of at least 4.5:1 (WCAG AA): these four have 4.8-7.2.
ON_WHITE_TEXT = ["#2a6fdb", "#0b7a5f", "#5436da", "#a35c00"]
CHART_SCALE = 2  # image pixels per CSS pixel for charts (a "retina" image)
CHART_WIDTH = 6.4  # inches at 100 CSS px each: 640 px on a desktop, shrunk to ~360 px on a phone
NOTE_SIZE = 9.5  # pt: the smallest text in a chart (values in cells, point labels)
VALUES_UP_TO = 10  # a heatmap with more columns than this shows colours only


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
def _figure(
    width: float, height: float, alt: str, *, scale: int = CHART_SCALE, **subplots: Any
) -> Iterator[tuple[Any, Any]]:
    register_korean_font()
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(figsize=(width, height), **subplots)
        yield fig, axes
        fig.tight_layout()
        data, pixels = palette_png(fig, scale)
        shown: dict[str, Any] = {"alt": alt}
        if scale != 1:
            shown["width"] = pixels // scale
        display(PNG(data=data, metadata=shown))  # type: ignore[no-untyped-call]
        plt.close(fig)


def palette_png(fig: Any, scale: int = 1) -> tuple[bytes, int]:
    """The figure as the inline backend draws it (tight box) at `scale` times its dpi, in 256 colours (a quarter
    of the RGBA bytes, same look), and its width in pixels.

    Pillow's quantizer does what pngquant would for flat charts and pictures; the site's pages stay within budget.
    """
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", bbox_inches="tight", dpi=fig.dpi * scale)
    with PIL.Image.open(drawn) as image:
        palette = image.convert("RGB").quantize(256, method=PIL.Image.Quantize.FASTOCTREE)
    saved = io.BytesIO()
    palette.save(saved, format="PNG", optimize=True)
    return saved.getvalue(), palette.width


def _listing(items: Sequence[str], say: Messages) -> str:
    shown = [item.rstrip(".") for item in items[:ALT_LIMIT]]
    more = len(items) - len(shown)
    return "; ".join(shown) + (say.chart_more.format(more=more) if more > 0 else "")


def _titled(kind: str, title: str) -> str:
    return f"{kind}: {title}." if title else f"{kind}."


def wrap(label: str, columns: int) -> str:
    """`label` on lines of at most `columns` terminal columns (Hangul counts two), broken at spaces only: a chart's
    labels are wrapped whole, never cut."""
    lines: list[str] = []
    for word in label.split():
        if lines and width(lines[-1]) + 1 + width(word) <= columns:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


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
    lang: Lang | None = None,
) -> None:
    """A labelled heatmap with each cell's value written in it (e.g. cosine similarities).

    Long row labels are wrapped, never cut; long column labels are slanted. With more than ``VALUES_UP_TO`` columns
    the values are left out (colour only): written that small, no phone could show them."""
    say = text(lang)
    values = np.asarray(matrix, dtype=float)
    columns = list(rows if columns is None else columns)
    row_labels = [wrap(label, 28) for label in rows]
    written = len(columns) <= VALUES_UP_TO
    slanted = any(width(label) > 8 for label in columns)
    cell = 0.62 if written else 0.36
    longest = max((width(label) for label in columns), default=1)
    label_height = 0.09 * longest * 0.72 if slanted else 0.25
    lines = sum(label.count("\n") + 1 for label in row_labels)
    figure_width = min(2.6 + cell * len(columns), 9.0)
    figure_height = min(1.0 + max(0.36 * len(rows), 0.19 * lines) + label_height, 12.0)
    alt = say.alt_heatmap.format(
        titled=_titled(say.kind_heatmap, title),
        rows=len(rows),
        row_names=_listing(rows, say),
        columns=len(columns),
        column_names=_listing(columns, say),
        low=f"{np.nanmin(values):.2f}",
        high=f"{np.nanmax(values):.2f}",
    )
    with _figure(figure_width, figure_height, alt) as (fig, ax):
        image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
        if slanted:
            ax.set_xticks(range(len(columns)), labels=columns, rotation=45, ha="right", rotation_mode="anchor")
        else:
            ax.set_xticks(range(len(columns)), labels=columns)
        ax.set_yticks(range(len(rows)), labels=row_labels, fontsize=NOTE_SIZE)
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
        lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
        middle = (lo + hi) / 2
        for (i, j), value in np.ndenumerate(values if written else np.empty((0, 0))):
            colour = "white" if value < middle else "black"
            ax.text(j, i, value_format.format(value), ha="center", va="center", color=colour, fontsize=NOTE_SIZE)
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
    cluster_label: str | None = None,
    lang: Lang | None = None,
) -> None:
    """A 2-D projection of embeddings, coloured by cluster, each point labelled with its text.

    ``cluster_label`` names a cluster in the legend (``{}`` is its number; by default "cluster {}" in the
    notebook's language)."""
    say = text(lang)
    cluster_label = say.cluster_name if cluster_label is None else cluster_label
    xy = np.asarray(points, dtype=float)
    groups = {c: [label for label, k in zip(labels, clusters, strict=True) if k == c] for c in sorted(set(clusters))}
    described = " ".join(say.alt_cluster.format(number=c, members=_listing(m, say)) for c, m in groups.items())
    alt = say.alt_scatter.format(
        titled=_titled(say.kind_scatter, title), points=len(labels), clusters=len(groups), described=described
    )
    with _figure(CHART_WIDTH, 5.6, alt) as (fig, ax):
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
        ax.legend(loc="best")
        ax.set_title(title)
        _place_labels(fig, ax, xy, [_shorten(label, 24) for label in labels])


# Where a point's label may go, in points from the point, tried in this order.
LABEL_OFFSETS = [(6, 4), (6, -12), (-6, 4), (-6, -12), (6, 14), (-6, 14), (6, -22), (-6, -22), (0, 24), (0, -30)]


def _place_labels(fig: Any, ax: Axes, xy: np.ndarray[Any, Any], texts: Sequence[str]) -> None:
    """Label each point, moving a label to the first nearby spot where it overlaps no earlier label or point."""
    renderer = fig.canvas.get_renderer()
    fig.tight_layout()  # place the axes first: label positions are measured on the final layout
    points = [ax.transData.transform((x, y)) for x, y in xy]
    frame = fig.bbox  # a label must stay inside the picture, or the saved image is cut or widened
    dots = [Bbox.from_extents(px - 6, py - 6, px + 6, py + 6) for px, py in points]
    placed: list[Bbox] = []
    for index, ((x, y), words) in enumerate(zip(xy, texts, strict=True)):
        label = None
        for dx, dy in LABEL_OFFSETS:
            if label is not None:
                label.remove()
            label = ax.annotate(
                words,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="left" if dx >= 0 else "right",
                fontsize=NOTE_SIZE,
                annotation_clip=False,
            )
            box = label.get_window_extent(renderer).expanded(1.02, 1.1)
            others = placed + [dot for i, dot in enumerate(dots) if i != index]
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in others):
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
    lang: Lang | None = None,
) -> None:
    """A bar chart of named values (scores, counts), highlighted bars in a second colour."""
    say = text(lang)
    names = list(values)
    numbers = [float(values[n]) for n in names]
    colours = [PALETTE[2] if n in highlight else PALETTE[0] for n in names]
    pairs = [f"{name.rstrip('.')}: {value_format.format(number)}" for name, number in zip(names, numbers, strict=True)]
    alt = say.alt_bars.format(titled=_titled(say.kind_bars, title), count=len(names), pairs=_listing(pairs, say))
    if highlight:
        alt += say.alt_highlighted.format(names=_listing(list(highlight), say))
    if horizontal:
        with _figure(CHART_WIDTH, 1.2 + 0.34 * len(names), alt) as (_, ax):
            ax.barh(range(len(names)), numbers, color=colours)
            ax.set_yticks(range(len(names)), labels=[wrap(name, 30) for name in names])
            ax.invert_yaxis()
            ax.margins(x=0.18)  # room for the values written after the longest bar
            for i, v in enumerate(numbers):
                ax.text(v, i, " " + value_format.format(v), va="center", fontsize=NOTE_SIZE)
            if threshold is not None:
                ax.axvline(threshold, color="grey", linestyle="--", linewidth=1)
            ax.set_xlabel(xlabel)
            ax.set_title(title)
    else:
        with _figure(min(max(4.0, 0.8 * len(names) + 2), CHART_WIDTH), 4.0, alt) as (_, ax):
            ax.bar(range(len(names)), numbers, color=colours)
            ax.set_xticks(range(len(names)), labels=names, rotation=30, ha="right")
            for i, v in enumerate(numbers):
                ax.text(i, v, value_format.format(v), ha="center", va="bottom", fontsize=NOTE_SIZE)
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
    lang: Lang | None = None,
) -> None:
    """One or more lines over a shared x axis (e.g. ranking quality against ``dimensions``)."""
    say = text(lang)
    xs = list(x)
    trends = [
        say.alt_trend.format(
            name=name,
            first=f"{float(ys[0]):.2f}",
            x_first=f"{xs[0]:g}",
            last=f"{float(ys[-1]):.2f}",
            x_last=f"{xs[-1]:g}",
        )
        for name, ys in series.items()
        if len(ys)
    ]
    axis = say.alt_lines_axis.format(axis=xlabel) if xlabel else ""
    alt = say.alt_lines.format(
        titled=_titled(say.kind_lines, title), count=len(trends), axis=axis, trends=_listing(trends, say)
    )
    with _figure(CHART_WIDTH, 4.0, alt) as (_, ax):
        for i, (name, ys) in enumerate(series.items()):
            ax.plot(list(x), list(ys), marker="o", color=PALETTE[i % len(PALETTE)], label=name)
        if log_x:
            ax.set_xscale("log", base=2)
            ax.set_xticks(list(x), labels=[str(int(v)) for v in x])
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
        ax.set_title(title)


def timeline(
    dates: Sequence[Any],
    labels: Sequence[str],
    *,
    title: str = "",
    marks: Mapping[str, Any] | None = None,
    lang: Lang | None = None,
) -> None:
    """Events on a time axis, one row each (e.g. models by ``created``); ``marks`` adds dashed date lines."""
    import matplotlib.dates as mdates

    say = text(lang)
    events = [f"{label} ({_day(when)})" for label, when in zip(labels, dates, strict=True)]
    alt = say.alt_timeline.format(
        titled=_titled(say.kind_timeline, title), count=len(labels), events=_listing(events, say)
    )
    if marks:
        alt += say.alt_dashed.format(marks="; ".join(f"{name} ({_day(when)})" for name, when in marks.items()))
    legend_rows = 1 if not marks or sum(len(name) for name in marks) <= 40 else len(marks)
    with _figure(CHART_WIDTH, 1.3 + 0.3 * len(labels) + 0.25 * legend_rows, alt) as (_, ax):
        ax.scatter(list(dates), range(len(labels)), color=PALETTE[1], zorder=3)
        ax.set_yticks(range(len(labels)), labels=list(labels), fontsize=NOTE_SIZE)
        ax.invert_yaxis()
        # Years on a long range, months on a short one; with too few ticks allowed matplotlib warns (a printed
        # warning would become part of the notebook's output).
        locator = mdates.AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        for i, (name, when) in enumerate((marks or {}).items()):
            ax.axvline(when, color=PALETTE[2 + i % 2], linestyle="--", linewidth=1, label=name)
        if marks:
            # Above the plot, under the title: inside the axes it would cover the latest points.
            columns = len(marks) if legend_rows == 1 else 1
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=columns, frameon=False)
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(title, pad=8 + 18 * legend_rows if marks else 6)


def _day(when: Any) -> str:
    return str(when.strftime("%Y-%m-%d")) if hasattr(when, "strftime") else str(when)


def images(
    pictures: Sequence[Image], titles: Sequence[str] = (), *, columns: int | None = None, width: float = 4.0
) -> None:
    """Pictures side by side (or in a grid), each with an optional title; transparency shown as a checkerboard."""
    say = text()
    count = len(pictures)
    columns = columns or count
    rows = -(-count // columns)
    named = [titles[i] if i < len(titles) else say.picture_name.format(number=i + 1) for i in range(count)]
    sizes = [f"{name} ({p.width}x{p.height})" for name, p in zip(named, pictures, strict=True)]
    template = say.alt_picture if count == 1 else say.alt_pictures
    alt = template.format(count=count, pictures=_listing(sizes, say))
    with _figure(width * columns, width * rows, alt, scale=1, nrows=rows, ncols=columns, squeeze=False) as (_, axes):
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
    say = text()
    frames = [f"{label} ({p.width}x{p.height})" for label, p in zip(labels, pictures, strict=True)]
    alt = say.alt_filmstrip.format(
        titled=_titled(say.kind_filmstrip, title), count=len(pictures), frames=_listing(frames, say)
    )
    tallest = max((p.height / p.width for p in pictures), default=1.0)
    height = width * tallest + (0.9 if title else 0.5)
    with _figure(width * len(pictures), height, alt, scale=1, ncols=len(pictures), squeeze=False) as (fig, axes):
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


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def modes_diagram(lang: Lang | None = None) -> None:
    """Where a notebook's requests go in each mode: explore, replay, record, live, in the notebook's language.

    The mode names are the values one sets, and stay; every other word comes from ``helpers.messages``."""
    say = text(lang)
    notebook, start, server = say.modes_notebook, "helpers.start()", say.modes_server
    rows = [
        (
            "explore",
            [(notebook, 0), (start, 1), (f"{say.modes_recordings_first}", 3)],
            say.modes_note_explore,
        ),
        ("replay", [(notebook, 0), (start, 1), (say.modes_recordings, 3)], say.modes_note_replay),
        ("record", [(notebook, 0), (start, 1), (server, 2), (say.modes_recordings, 3)], say.modes_note_record),
        ("live", [(notebook, 0), (start, 1), (server, 2)], say.modes_note_live),
    ]
    alt = say.modes_alt.format(
        rows=" ".join(
            say.modes_alt_row.format(
                mode=mode, path=" → ".join(label.replace("\n", " ") for label, _ in boxes), note=note
            )
            for mode, boxes, note in rows
        )
    )
    with _figure(CHART_WIDTH, 5.0, alt) as (_, ax):
        ax.set_xlim(-0.75, 3.55)
        ax.set_ylim(-0.75, len(rows) - 0.45)
        ax.axis("off")
        for y, (mode, boxes, note) in enumerate(reversed(rows)):
            ax.text(-0.72, y + 0.3, mode, fontsize=11, fontweight="bold", va="center")
            drawn = [
                ax.text(
                    x,
                    y,
                    label,
                    ha="center",
                    va="center",
                    fontsize=NOTE_SIZE,
                    color="white",
                    bbox={"boxstyle": "round,pad=0.4", "facecolor": ON_WHITE_TEXT[x], "edgecolor": "none"},
                )
                for label, x in boxes
            ]
            for start, end in itertools.pairwise(drawn):
                # From box edge to box edge, whatever the words' widths (arrows measured in the boxes' own frames).
                ax.annotate(
                    "",
                    xy=(0, 0.5),
                    xycoords=end,
                    xytext=(1, 0.5),
                    textcoords=start,
                    arrowprops={"arrowstyle": "->", "color": "#444444", "shrinkA": 9, "shrinkB": 9},
                )
            ax.text(3.5, y - 0.4, note, ha="right", fontsize=NOTE_SIZE, color="#444444")
        ax.set_title(say.modes_title)
