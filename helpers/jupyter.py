"""What the harness needs from Jupyter: is this a kernel, which cell is running, and showing a banner.

IPython is only consulted when it is already loaded, so plain ``python`` never imports it.
"""

from __future__ import annotations

import sys
from typing import Any

from helpers.recording.story import Cell


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


def _cell_id(shell: Any) -> str | None:
    """The notebook's id of the running cell, as the front end sent it with the execute request (JupyterLab and
    Notebook 7 do; ``python -m helpers record`` does; nbval does not)."""
    try:
        parent = shell.kernel.get_parent("shell")
        cell_id = (parent.get("metadata") or {}).get("cellId")
    except (AttributeError, TypeError):
        return None
    return cell_id if isinstance(cell_id, str) and cell_id else None


def running_cell() -> Cell | None:
    """The running cell (execution count, notebook cell id if known, first non-blank line) in a Jupyter kernel.

    The cell id is what identifies a cell across edits (an edited cell keeps its id), languages (a Korean twin has
    its English cell's ids) and runs; a new cell has an id no recording has.
    """
    running = _running_cell()
    if running is None:
        return None
    count, source = running
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return Cell(count, _cell_id(_shell()), first)


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


def _table_html(frame: Any) -> str | None:
    """A DataFrame's HTML without the row numbers pandas adds (a default 0, 1, 2... index carries nothing a reader
    needs, and costs a column on a phone); a frame indexed by something meaningful keeps its index."""
    index = frame.index
    if type(index).__name__ == "RangeIndex" and index.name is None and index.start == 0 and index.step == 1:
        return str(frame.to_html(index=False, border=0, classes="dataframe"))
    html = frame._repr_html_()
    return None if html is None else str(html)


def show_tables_without_row_numbers() -> None:
    """Register `_table_html` for pandas DataFrames in this kernel (by name: pandas is not imported for it)."""
    shell = _shell() if in_jupyter() else None
    if shell is None:
        return
    formatter = shell.display_formatter.formatters["text/html"]
    for module in ("pandas", "pandas.core.frame"):  # DataFrame.__module__ is "pandas" in pandas 2.x and later
        formatter.for_type_by_name(module, "DataFrame", _table_html)
