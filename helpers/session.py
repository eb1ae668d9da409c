"""``start()``: one call at the top of a notebook gives it a client, its recordings and a provenance banner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpers import local_sandbox, messages, stats, wire
from helpers.banner import (
    banner_html,
    banner_text,
    live_answer_html,
    live_answer_text,
    live_banner_html,
    live_banner_text,
    mode_html,
    mode_text,
)
from helpers.config import CANONICAL_BASE_URL, EXPLORE_API_KEY, REPLAY_API_KEY, Mode, check_notebook_name
from helpers.config import record_command as _record_command
from helpers.jupyter import running_cell, show, show_tables_without_row_numbers
from helpers.recording import netguard
from helpers.recording import wording as engine_wording
from helpers.recording.accounts import AccountIds
from helpers.recording.cassette import NEVER_RECORDED, Cassette, RecordingInfo
from helpers.recording.errors import CassetteNotFoundError, ConfigError
from helpers.recording.explore import ExploreTransport
from helpers.recording.filters import SecretGuard
from helpers.recording.interactions import RecordedRequest
from helpers.recording.live import LiveTransport
from helpers.recording.record import RecordTransport
from helpers.recording.replay import ReplayTransport
from helpers.settings import Settings
from helpers.wording import NotebookWording

if TYPE_CHECKING:
    import httpx2
    from openai import OpenAI

engine_wording.use(NotebookWording())  # cassettes written by this project say how to re-record them: make record


@dataclass
class Session:
    notebook: str
    settings: Settings
    client: OpenAI
    cassette: Cassette | None
    lang: messages.Lang = "en"

    @property
    def mode(self) -> Mode:
        return self.settings.mode

    @property
    def banner(self) -> str:
        return "\n".join(text for text, _ in _banner_lines(self))


_current: Session | None = None


def _sdk_version() -> str:
    import openai

    return str(openai.__version__)


def _display_id(notebook: str) -> str:
    return f"openai-notebooks-provenance-{notebook}"


def start(
    notebook: str,
    *,
    mode: Mode | str | None = None,
    cassettes: str | os.PathLike[str] | None = None,
    banner: bool = True,
    wire: bool = True,
    lang: str | None = None,
) -> OpenAI:
    """Return an ``openai.OpenAI`` client for this notebook, wired to its recordings.

    - ``explore`` (default, the learner's mode): the recording in ``cassettes/<notebook>.yaml`` answers what it
      can, at the point of the notebook the kernel has reached; anything else is answered live by a local sandbox
      (started in the background now), which first takes over what the recording says exists (files uploaded so
      far, under their recorded ids). Live answers are labelled where they appear. No key, no network, nothing
      written.
    - ``replay``: answers come only from the cassette; a request with no recording is an error. No socket opens.
    - ``record``: real calls to ``OPENAI_BASE_URL`` (OpenAI or the sandbox); the cassette is re-recorded from
      scratch and saved after every request.
    - ``live``: real calls, nothing recorded.

    ``mode`` overrides ``OPENAI_NOTEBOOK_MODE`` in the environment, which overrides a line in the nearest ``.env``
    file (read again on every call: edit it and re-run the setup cell); the banner says which one set the mode.
    ``cassettes`` overrides ``OPENAI_NOTEBOOK_CASSETTES``. In Jupyter, every cell that talks to the API shows its
    HTTP under its output (the wire view, collapsed); ``wire=False`` switches that off.

    The harness's own words (banner, labels, errors) are English or Korean: ``lang`` ("en" or "ko") overrides
    ``OPENAI_NOTEBOOK_LANG``, which overrides the notebook's folder (``notebooks/ko/`` is Korean); see
    ``helpers.messages``.
    """
    import openai  # noqa: F401  -- imported before timing: the SDK's import is not the harness's cost

    with stats.timed("setup"):  # includes loading the recordings
        client = _start(notebook, mode=mode, cassettes=cassettes, banner=banner, lang=lang)
        _wire_view(wire)
        show_tables_without_row_numbers()
        return client


def _wire_view(enabled: bool) -> None:
    """Install the wire view once per kernel; ``enabled`` is this notebook's choice."""
    view = wire.install(lambda text, html: show(text, html, display_id=None))
    if view is not None:
        view.enabled = enabled


def _start(
    notebook: str,
    *,
    mode: Mode | str | None,
    cassettes: str | os.PathLike[str] | None,
    banner: bool,
    lang: str | None,
) -> OpenAI:
    global _current

    check_notebook_name(notebook)
    settings = Settings.resolve(mode=mode, cassettes=cassettes, lang=lang)
    language = messages.language(settings.lang, notebook=notebook)
    stop()
    messages.use(language)
    words = NotebookWording(settings.mode_source, language)

    cassette: Cassette | None = None
    if settings.mode is Mode.LIVE:
        client = _live_client(notebook, settings, words)
    elif settings.mode is Mode.EXPLORE:
        local_sandbox.begin()  # answers in about a second; most learners run a changed cell later than that
        cassette = _cassette_or_empty(notebook, settings, words)
        transport = ExploreTransport(
            cassette,
            sandbox=lambda: local_sandbox.ensure_running().base_url,
            api_key=EXPLORE_API_KEY,
            cell=running_cell,
            timer=stats.timed,
            on_live_answer=_show_live_answer,
        )
        client = _offline_client(transport)
        netguard.activate(f"notebook {notebook} is in explore mode (recordings, and a sandbox on this machine)")
    elif settings.mode is Mode.REPLAY:
        cassette = Cassette.load(notebook, settings.cassettes, wording=words)
        client = _offline_client(ReplayTransport(cassette, cell=running_cell, timer=stats.timed))
        netguard.activate(f"notebook {notebook} is in replay mode")
    else:
        client, cassette = _recording_client(notebook, settings, words)

    _current = Session(notebook, settings, client, cassette, language)
    if banner:
        _show_banner(_current)
    return client


def _offline_client(transport: httpx2.BaseTransport) -> OpenAI:
    """The client of explore and replay: an explicit dummy key and base URL, so neither ever reads OPENAI_API_KEY
    or OPENAI_BASE_URL; no retries, so a miss is raised once (it is not an error type the SDK retries anyway)."""
    from openai import DefaultHttpx2Client, OpenAI

    return OpenAI(
        api_key=REPLAY_API_KEY,
        base_url=CANONICAL_BASE_URL,
        max_retries=0,
        http_client=DefaultHttpx2Client(transport=transport),
    )


def _live_client(notebook: str, settings: Settings, words: NotebookWording) -> OpenAI:
    from openai import DefaultHttpx2Client, OpenAI

    if not settings.api_key:
        raise ConfigError(messages.text().live_needs_key.format(notebook=notebook))
    accounts = AccountIds.from_environment(settings.account_ids)
    transport = LiveTransport(settings.base_url, accounts=accounts, wording=words)
    return OpenAI(
        api_key=settings.api_key,
        base_url=settings.base_url,
        organization=settings.organization,
        project=settings.project,
        http_client=DefaultHttpx2Client(transport=transport),
    )


def _recording_client(notebook: str, settings: Settings, words: NotebookWording) -> tuple[OpenAI, Cassette]:
    from openai import DefaultHttpx2Client, OpenAI

    if not settings.api_key:
        raise ConfigError(messages.text().record_needs_key.format(command=_record_command(notebook)))
    guard = SecretGuard(dict(settings.secrets))
    accounts = AccountIds.from_environment(settings.account_ids)
    cassette = Cassette.start_recording(
        notebook, settings.cassettes, sdk=_sdk_version(), guard=guard, accounts=accounts, wording=words
    )
    transport = RecordTransport(cassette, client_base_url=settings.base_url, cell=running_cell)
    # No retries while recording: a retried request would record the failed attempt too.
    client = OpenAI(
        api_key=settings.api_key,
        base_url=settings.base_url,
        organization=settings.organization,
        project=settings.project,
        max_retries=0,
        http_client=DefaultHttpx2Client(transport=transport),
    )
    return client, cassette


def _cassette_or_empty(notebook: str, settings: Settings, words: NotebookWording) -> Cassette:
    """Explore mode works without a recording too: every request then goes to the sandbox."""
    try:
        return Cassette.load(notebook, settings.cassettes, wording=words)
    except CassetteNotFoundError:
        info = RecordingInfo(notebook, NEVER_RECORDED, _sdk_version())
        return Cassette(notebook, settings.cassettes, info, wording=words)


def _show_live_answer(request: RecordedRequest, response: httpx2.Response) -> None:
    stand_in, drawn = response.headers.get("x-sandbox-stand-in"), response.headers.get("x-sandbox-drawn")
    args = (request.method, request.path, response.status_code, stand_in)
    show(live_answer_text(*args, drawn=drawn), live_answer_html(*args, drawn=drawn), display_id=None)


def _banner_lines(session: Session) -> list[tuple[str, str]]:
    """(text, html) of each banner line: where the outputs come from, then the mode and what set it."""
    lang, settings = session.lang, session.settings
    cassette = session.cassette
    if cassette is None:
        base_url, sdk = str(session.client.base_url), _sdk_version()
        first = (live_banner_text(base_url, sdk, lang), live_banner_html(base_url, sdk, lang))
    else:
        first = (
            banner_text(cassette.info, cassette.path.name, lang),
            banner_html(cassette.info, cassette.path.name, lang),
        )
    mode = settings.mode.value
    return [first, (mode_text(mode, settings.mode_source, lang), mode_html(mode, settings.mode_source, lang))]


def _show_banner(session: Session) -> None:
    display_id = _display_id(session.notebook)
    lines = _banner_lines(session)
    shown = ["\n".join(t for t, _ in lines)]
    show(shown[0], "".join(h for _, h in lines), display_id=display_id)
    if session.mode is Mode.RECORD and session.cassette is not None:

        def refresh(changed: Cassette) -> None:  # the header fills in as responses arrive
            again = _banner_lines(session)
            text = "\n".join(t for t, _ in again)
            if text != shown[0]:
                shown[0] = text
                show(text, "".join(h for _, h in again), display_id=display_id, update=True)

        session.cassette.listeners.append(refresh)


def stop() -> None:
    """End the current session: its client stops working and replay's network guard is lifted."""
    global _current
    if _current is not None and _current.cassette is not None:
        _current.cassette.close()
    _current = None
    netguard.deactivate()
    messages.use(None)


def current() -> Session | None:
    return _current
