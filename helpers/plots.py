"""Pictures for the notebooks: one function per chart, fixed sizes and DPI so outputs are reproducible.

Each function draws, shows and closes its figure (so a notebook cell displays it once) and returns nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
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
}
PALETTE = ["#10a37f", "#5436da", "#ef4146", "#ff9900", "#19c37d", "#8e8ea0", "#2a6fdb", "#d14d72"]


@contextmanager
def _figure(width: float, height: float, **subplots: Any) -> Iterator[tuple[Any, Any]]:
    with plt.rc_context(STYLE):  # type: ignore[arg-type]
        fig, axes = plt.subplots(figsize=(width, height), **subplots)
        yield fig, axes
        fig.tight_layout()
        plt.show()
        plt.close(fig)


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
    with _figure(width, height) as (fig, ax):
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


def scatter_clusters(points: ArrayLike, labels: Sequence[str], clusters: Sequence[int], *, title: str = "") -> None:
    """A 2-D projection of embeddings, coloured by cluster, each point labelled with its text."""
    xy = np.asarray(points, dtype=float)
    with _figure(9.0, 6.0) as (_, ax):
        for cluster in sorted(set(clusters)):
            mask = np.asarray(clusters) == cluster
            ax.scatter(
                xy[mask, 0], xy[mask, 1], s=60, color=PALETTE[cluster % len(PALETTE)], label=f"cluster {cluster}"
            )
        for (x, y), text in zip(xy, labels, strict=True):
            ax.annotate(_shorten(text, 28), (x, y), xytext=(5, 4), textcoords="offset points", fontsize=8)
        ax.set_xlabel("component 1")
        ax.set_ylabel("component 2")
        ax.legend(loc="best", fontsize=8)
        ax.set_title(title)


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
    if horizontal:
        with _figure(8.0, 1.2 + 0.32 * len(names)) as (_, ax):
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
        with _figure(max(4.0, 0.8 * len(names) + 2), 4.0) as (_, ax):
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
    with _figure(8.0, 4.0) as (_, ax):
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
    with _figure(9.0, 1.2 + 0.3 * len(labels)) as (_, ax):
        ax.scatter(list(dates), range(len(labels)), color=PALETTE[1], zorder=3)
        ax.set_yticks(range(len(labels)), labels=list(labels), fontsize=8)
        ax.invert_yaxis()
        for i, (name, when) in enumerate((marks or {}).items()):
            ax.axvline(when, color=PALETTE[2 + i % 2], linestyle="--", linewidth=1, label=name)
        if marks:
            ax.legend(fontsize=8, loc="lower right")
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(title)


def images(
    pictures: Sequence[Image], titles: Sequence[str] = (), *, columns: int | None = None, width: float = 4.0
) -> None:
    """Pictures side by side (or in a grid), each with an optional title; transparency shown as a checkerboard."""
    count = len(pictures)
    columns = columns or count
    rows = -(-count // columns)
    with _figure(width * columns, width * rows, nrows=rows, ncols=columns, squeeze=False) as (_, axes):
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


def _checkerboard(ax: Axes, size: tuple[int, int], square: int = 32) -> None:
    w, h = size
    board = (np.add.outer(np.arange(h) // square, np.arange(w) // square) % 2) * 0.12 + 0.82
    ax.imshow(board, cmap="gray", vmin=0, vmax=1)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def modes_diagram() -> None:
    """Where a notebook's requests go in each mode: replay, record, live."""
    rows = [
        ("replay", [("notebook", 0), ("helpers.start()", 1), ("cassettes/", 3)], "answers read from recordings"),
        (
            "record",
            [("notebook", 0), ("helpers.start()", 1), ("OpenAI or sandbox", 2), ("cassettes/", 3)],
            "live answers, written to recordings",
        ),
        ("live", [("notebook", 0), ("helpers.start()", 1), ("OpenAI or sandbox", 2)], "live answers, nothing kept"),
    ]
    colours = {0: PALETTE[6], 1: PALETTE[0], 2: PALETTE[1], 3: PALETTE[3]}
    with _figure(10.0, 3.6) as (_, ax):
        ax.set_xlim(-1.2, 4.2)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        ax.axis("off")
        for y, (mode, boxes, note) in enumerate(reversed(rows)):
            ax.text(-1.1, y, mode, fontsize=12, fontweight="bold", va="center")
            for (label, x), nxt in zip(boxes, [*boxes[1:], None], strict=True):
                ax.text(
                    x,
                    y,
                    label,
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
            ax.text(3.6, y - 0.32, note, ha="right", fontsize=8, color="#555555")
        ax.set_title("Where requests go in each mode")
