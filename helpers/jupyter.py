"""What the harness needs from Jupyter: is this a kernel, which cell is running, and showing a banner.

IPython is only consulted when it is already loaded, so plain ``python`` never imports it.
"""

from __future__ import annotations

import hashlib
import sys
from typing import Any


def _shell() -> Any | None:
    if "IPython" not in sys.modules:
        return None
    from IPython import get_ipython

    return get_ipython()


def in_jupyter() -> bool:
    """True in a Jupyter kernel (Lab, nbclient, nbval); False in a terminal IPython or plain Python."""
    shell = _shell()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _running_cell() -> tuple[int, str] | None:
    """(execution count, whole source) of the running cell in a Jupyter kernel, else None."""
    shell = _shell() if in_jupyter() else None
    if shell is None:
        return None
    # IPython stores a cell's source under its number *before* running it (and, depending on the version,
    # bumps execution_count before or after), so the last stored input is the running cell.
    try:
        history = shell.history_manager.input_hist_raw
        count, source = len(history) - 1, str(history[-1])
    except (AttributeError, IndexError, TypeError):
        return None
    return (count, source) if count >= 1 else None


def current_cell() -> tuple[int, str] | None:
    """(execution count, first non-blank line of the running cell's source) in a Jupyter kernel, else None."""
    running = _running_cell()
    if running is None:
        return None
    count, source = running
    return count, next((line.strip() for line in source.splitlines() if line.strip()), "")


def current_cell_key() -> tuple[int, str] | None:
    """(execution count, short hash of the running cell's whole source): which cell runs, and which run of it.

    The hash names the cell the same way in a recording run (nbclient sends no cell ids) and in JupyterLab; an
    edited cell gets a new hash, and so no recordings of its own.
    """
    running = _running_cell()
    return None if running is None else (running[0], cell_hash(running[1]))


def cell_hash(source: str) -> str:
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:12]


def show(text: str, html: str, *, display_id: str | None, update: bool = False) -> None:
    """HTML with a text/plain fallback in Jupyter (updatable in place via ``display_id``); ``print`` elsewhere."""
    if not in_jupyter():
        if not update:
            print(text)
        return
    from IPython.display import display, update_display

    bundle = {"text/plain": text, "text/html": html}
    if update:
        update_display(bundle, raw=True, display_id=display_id)  # type: ignore[no-untyped-call]
    else:
        display(bundle, raw=True, display_id=display_id)  # type: ignore[no-untyped-call]
