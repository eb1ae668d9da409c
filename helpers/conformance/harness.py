"""One conformance run: execute the notebooks against a server, read back both recordings, judge every exchange."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from helpers.config import cassettes_dir
from helpers.conformance.exchanges import PROBE_NOTEBOOK, Exchange, load_recording
from helpers.conformance.probes import UNKNOWN_IDS, probe
from helpers.conformance.report import Context
from helpers.conformance.run import DUMMY_KEY, NotebookRun, run_all
from helpers.conformance.scratch import prepare
from helpers.conformance.verdict import Verdicts, judge
from helpers.recording.header import RecordingInfo


def describe(info: RecordingInfo) -> str:
    """Where a recording was made, in the banner's words."""
    if info.target == "sandbox":
        return f"the local sandbox ({info.server or 'x-sandbox'}), not OpenAI"
    if info.target == "openai":
        return "OpenAI (api.openai.com)"
    if info.target == "other":
        return f"another OpenAI-compatible server ({info.host or 'unknown host'}), not OpenAI"
    return "nothing (no response recorded)"


def _reference(folder: Path, names: list[str]) -> tuple[dict[str, list[Exchange]], str]:
    exchanges: dict[str, list[Exchange]] = {}
    made: set[str] = set()
    for name in names:
        path = folder / f"{name}.yaml"
        if path.is_file():
            recording = load_recording(path)
            exchanges[name] = list(recording.exchanges)
            made.add(f"{describe(recording.info)} on {recording.info.recorded_on}")
    where = "the committed cassettes" if folder == cassettes_dir(None) else str(folder)
    return exchanges, f"{where} ({folder}), recorded against {'; '.join(sorted(made)) or 'nothing'}"


def judge_with_probes(
    runs: list[NotebookRun],
    got: dict[str, list[Exchange]],
    reference: dict[str, list[Exchange]],
    base_url: str,
    api_key: str,
) -> Verdicts:
    """The runs' exchanges judged, with the probes of unknown ids sent for every endpoint group the runs or their
    recordings called (as the notebook ``probe``: ``got`` and ``runs`` are extended)."""
    called = {e.group for run in runs for e in [*got.get(run.notebook, []), *reference.get(run.notebook, [])]}
    got[PROBE_NOTEBOOK] = probe(base_url, api_key, called)
    runs.append(NotebookRun(PROBE_NOTEBOOK, Path(), {}, {}, (), 0, 0.0))
    return judge(runs, got, reference, UNKNOWN_IDS)


def evaluate(
    sources: Sequence[Path],
    scratch: Path,
    *,
    base_url: str,
    api_key: str,
    reference_dir: Path,
    timeout: int,
    progress: bool = True,
    key_said: str = f"a dummy key ({DUMMY_KEY})",
) -> tuple[Context, Verdicts]:
    """``scratch`` is emptied first (only if this tool made it: ``helpers.conformance.scratch``); it receives the
    notebook copies and the recordings (``scratch/cassettes``)."""
    scratch = prepare(scratch)
    started = time.perf_counter()
    runs = run_all(sources, scratch, base_url=base_url, api_key=api_key, timeout=timeout, progress=progress)
    seconds = time.perf_counter() - started
    got: dict[str, list[Exchange]] = {}
    targets: set[str] = set()
    for run in runs:
        if run.cassette.is_file():
            recording = load_recording(run.cassette, run.cells)
            got[run.notebook] = list(recording.exchanges)
            if recording.exchanges:
                targets.add(describe(recording.info))
        if run.failure:
            print(f"note: {run.notebook} stopped early: {run.failure}", file=sys.stderr)
    reference, reference_text = _reference(reference_dir, [s.stem for s in sources])
    verdicts = judge_with_probes(runs, got, reference, base_url, api_key)
    context = Context(
        base_url, "; ".join(sorted(targets)) or "nothing", reference_text, seconds, str(scratch), key_said
    )
    return context, verdicts
