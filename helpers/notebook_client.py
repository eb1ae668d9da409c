"""nbclient's ``NotebookClient`` that tells the kernel which cell it runs, as JupyterLab does.

JupyterLab puts the notebook's cell id in each execute request (``metadata.cellId``); the harness uses it to know
which cell a request comes from (``helpers.jupyter.running_cell``), so a recording names its cells the way a
learner's JupyterLab later does. nbclient runs cells through jupyter_client's ``execute()``, which takes no
metadata, so the id is added here, in the one message it builds.
"""

from __future__ import annotations

from typing import Any

from nbclient import NotebookClient


class CellIdNotebookClient(NotebookClient):
    _running_cell_id: str | None = None

    async def async_execute_cell(self, cell: Any, cell_index: int, *args: Any, **kwargs: Any) -> Any:
        self._running_cell_id = cell.get("id")
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            self._running_cell_id = None

    async def async_start_new_kernel_client(self) -> Any:
        kc = await super().async_start_new_kernel_client()
        session, build = kc.session, kc.session.msg

        def msg(
            msg_type: str, content: Any = None, parent: Any = None, header: Any = None, metadata: Any = None
        ) -> Any:
            if msg_type == "execute_request" and self._running_cell_id:
                metadata = {**(metadata or {}), "cellId": self._running_cell_id}
            return build(msg_type, content, parent, header, metadata)

        session.msg = msg
        return kc
