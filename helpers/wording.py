"""The recording engine's words in a notebook: English or Korean, with advice that fits how it was started.

``helpers.recording`` raises its errors with the facts as data and asks a ``Wording`` for the sentence; this is the
one the notebooks use. A strict replay miss says how to leave strict mode from where it was set (an argument, the
environment, a line of ``.env``), because "unset the variable" is no help when it comes from a file.
"""

from __future__ import annotations

from pathlib import Path

from helpers.config import CASSETTES_ENV, explore_call, record_command
from helpers.messages import Lang, columns, text
from helpers.recording.matchers import SHOWN_DIFFERENCES, summarize_request
from helpers.recording.story import state_of
from helpers.recording.wording import Miss
from helpers.settings import Source


class NotebookWording:
    def __init__(self, mode_source: Source | None = None, lang: Lang | None = None) -> None:
        self.mode_source = mode_source or Source("default")
        self.lang = lang

    def how_to_explore(self, notebook: str) -> str:
        """How to leave strict replay, from where it was set."""
        say, source = text(self.lang), self.mode_source
        fields = {"name": source.name, "value": source.value, "file": source.shown_file, "line": source.line}
        if source.origin == "argument":
            return say.leave_by_argument.format(**fields)
        if source.origin == "environment":
            return say.leave_by_environment.format(**fields)
        if source.origin == "dotenv":
            return say.leave_by_dotenv.format(**fields)
        return f"{explore_call(notebook)}"

    def miss(self, miss: Miss) -> str:
        say = text(self.lang)
        request = miss.request
        asked = {"method": request.method, "path": request.path, "notebook": miss.notebook}
        asked["where"] = say.miss_where.format(count=miss.cell.count) if miss.cell else ""
        value = say.miss_notebook_value.format(notebook=miss.notebook, cassette=miss.cassette, count=miss.recordings)
        cell = f"[{miss.cell.count}] {miss.cell.first_line}" if miss.cell else say.miss_no_cell
        rows = [(say.miss_notebook, value), (say.miss_cell, cell), (say.miss_request, summarize_request(request))]
        if miss.elsewhere:
            headline = say.miss_other_point.format(**asked, state=state_of(request.path) or "state")
            before = ", ".join(miss.elsewhere[0].changes_before) or say.miss_no_change
            now = ", ".join(miss.changes_so_far) or say.miss_no_change
            rows.append((say.miss_recorded, say.miss_recorded_value.format(before=before, now=now)))
        elif miss.closest is None:
            headline = say.miss_empty.format(**asked)
            rows.append((say.miss_closest, say.miss_closest_none))
        else:
            differences = miss.closest.differences
            first = differences[0] if differences else say.miss_nothing
            headline = say.miss_closest_differs.format(**asked, first=first)
            rows.append((say.miss_closest, f"#{miss.closest.index + 1} {summarize_request(miss.closest.request)}"))
            shown = differences[:SHOWN_DIFFERENCES]
            rows.append((say.miss_differs, (shown[0] if shown else "") + say.miss_differs_note))
            rows += [("", d) for d in shown[1:]]
            if len(differences) > len(shown):
                rows.append(("", say.miss_more.format(more=len(differences) - len(shown))))
        rows += [
            (say.miss_try, say.miss_try_value.format(how=self.how_to_explore(miss.notebook))),
            (say.miss_rerecord, say.miss_rerecord_value.format(command=record_command(miss.notebook))),
        ]
        lines = [*columns(rows), say.miss_unchanged]
        return f"{headline}\n" + "\n".join("  " + line for line in lines)

    def not_found(self, notebook: str, path: Path) -> str:
        return text(self.lang).not_found.format(notebook=notebook, path=path, command=record_command(notebook))

    def closed(self, notebook: str) -> str:
        return text(self.lang).closed.format(notebook=notebook)

    def unreachable(self, base_url: str, error: Exception) -> str:
        say = text(self.lang)
        local = "127.0.0.1" in base_url or "localhost" in base_url
        what_to_start = say.unreachable_local if local else say.unreachable_remote
        return say.unreachable.format(
            base_url=base_url, error_type=type(error).__name__, error=error, what_to_start=what_to_start
        )

    def rerecord(self, notebook: str) -> str:
        return record_command(notebook)

    def unwritable(self, directory: Path) -> str:
        return f"Make {directory} writable (or point {CASSETTES_ENV} at a writable folder)"
