"""``start()``: one call at the top of a notebook gives it a client, its recordings and a provenance banner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpers import local_sandbox, messages, wire
from helpers.banner import (
    banner_html,
    banner_text,
    explore_note_html,
    explore_note_text,
    live_answer_html,
    live_answer_text,
    live_banner_html,
    live_banner_text,
)
from helpers.config import (
    CANONICAL_BASE_URL,
    REPLAY_API_KEY,
    Mode,
    cassettes_dir,
    check_notebook_name,
    load_env_file,
    record_command,
    resolve_mode,
)
from helpers.jupyter import show
from helpers.recording import netguard
from helpers.recording.cassette import NEVER_RECORDED, Cassette, RecordingInfo
from helpers.recording.errors import CassetteNotFoundError, ConfigError
from helpers.recording.filters import SecretGuard
from helpers.recording.interactions import RecordedRequest
from helpers.recording.transport import CassetteTransport, ReachabilityTransport
from helpers.stats import timed

if TYPE_CHECKING:
    from openai import OpenAI


@dataclass
class Session:
    notebook: str
    mode: Mode
    client: OpenAI
    cassette: Cassette | None
    lang: messages.Lang = "en"

    @property
    def banner(self) -> str:
        if self.cassette is None:
            return live_banner_text(str(self.client.base_url), _sdk_version(), self.lang)
        text = banner_text(self.cassette.info, self.cassette.path.name, self.lang)
        return f"{text}\n{explore_note_text(self.lang)}" if self.mode is Mode.EXPLORE else text


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

    - ``explore`` (default, the learner's mode): recorded requests are answered from
      ``cassettes/<notebook>.yaml``; a request with no recording is answered live by a local sandbox that starts
      on demand (and is labelled so where it appears). No key, no network, nothing written.
    - ``replay``: answers come only from the cassette; a request with no recording is an error. No socket opens.
    - ``record``: real calls to ``OPENAI_BASE_URL`` (OpenAI or the sandbox); the cassette is re-recorded from
      scratch and saved after every request.
    - ``live``: real calls, nothing recorded.

    ``mode`` overrides ``OPENAI_NOTEBOOK_MODE``, which overrides a ``.env`` file (the nearest one upward from the
    working directory); ``cassettes`` overrides ``OPENAI_NOTEBOOK_CASSETTES``. In Jupyter, every cell that talks to
    the API shows its HTTP under its output (the wire view, collapsed); ``wire=False`` switches that off.

    The harness's own words (banner, labels, errors) are English or Korean: ``lang`` ("en" or "ko") overrides
    ``OPENAI_NOTEBOOK_LANG``, which overrides the notebook's folder (``notebooks/ko/`` is Korean); see
    ``helpers.messages``.
    """
    import openai  # noqa: F401  -- imported before timing: the SDK's import is not the harness's cost

    with timed("setup"):  # includes loading the recordings
        client = _start(notebook, mode=mode, cassettes=cassettes, banner=banner, lang=lang)
        _wire_view(wire)
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
    from openai import DefaultHttpx2Client, OpenAI

    check_notebook_name(notebook)
    load_env_file()
    chosen = resolve_mode(mode)
    language = messages.language(lang, notebook=notebook)
    stop()
    messages.use(language)

    cassette: Cassette | None = None
    if chosen is Mode.LIVE:
        client = _live_client(notebook)
    elif chosen is Mode.EXPLORE:
        cassette = _cassette_or_empty(notebook, cassettes)
        transport = CassetteTransport(
            cassette,
            mode=Mode.EXPLORE,
            client_base_url=CANONICAL_BASE_URL,
            sandbox_url=lambda: local_sandbox.ensure_running().base_url,
            on_live_answer=_show_live_answer,
        )
        client = _offline_client(transport)
        netguard.activate(f"notebook {notebook} is in explore mode (recordings, and a sandbox on this machine)")
    elif chosen is Mode.REPLAY:
        cassette = Cassette.load(notebook, cassettes_dir(cassettes))
        client = _offline_client(CassetteTransport(cassette, mode=Mode.REPLAY, client_base_url=CANONICAL_BASE_URL))
        netguard.activate(f"notebook {notebook} is in replay mode")
    else:
        if not os.environ.get("OPENAI_API_KEY"):
            raise ConfigError(messages.text().record_needs_key.format(command=record_command(notebook)))
        base_url = os.environ.get("OPENAI_BASE_URL") or CANONICAL_BASE_URL
        cassette = Cassette.start_recording(
            notebook, cassettes_dir(cassettes), sdk=_sdk_version(), guard=SecretGuard.from_environment()
        )
        transport = CassetteTransport(cassette, mode=Mode.RECORD, client_base_url=base_url)
        # No retries while recording: a retried request would record the failed attempt too.
        client = OpenAI(base_url=base_url, max_retries=0, http_client=DefaultHttpx2Client(transport=transport))

    _current = Session(notebook, chosen, client, cassette, language)
    if banner:
        _show_banner(_current)
    return client


def _offline_client(transport: CassetteTransport) -> OpenAI:
    """The client of explore and replay: an explicit dummy key and base URL, so neither ever reads OPENAI_API_KEY
    or OPENAI_BASE_URL; no retries, so a miss is raised once (it is not an error type the SDK retries anyway)."""
    from openai import DefaultHttpx2Client, OpenAI

    return OpenAI(
        api_key=REPLAY_API_KEY,
        base_url=CANONICAL_BASE_URL,
        max_retries=0,
        http_client=DefaultHttpx2Client(transport=transport),
    )


def _live_client(notebook: str) -> OpenAI:
    from openai import DefaultHttpx2Client, OpenAI

    base_url = os.environ.get("OPENAI_BASE_URL") or CANONICAL_BASE_URL
    if not os.environ.get("OPENAI_API_KEY"):
        raise ConfigError(messages.text().live_needs_key.format(notebook=notebook))
    return OpenAI(base_url=base_url, http_client=DefaultHttpx2Client(transport=ReachabilityTransport(base_url)))


def _cassette_or_empty(notebook: str, cassettes: str | os.PathLike[str] | None) -> Cassette:
    """Explore mode works without a recording too: every request then goes to the sandbox."""
    directory = cassettes_dir(cassettes)
    try:
        return Cassette.load(notebook, directory)
    except CassetteNotFoundError:
        return Cassette(notebook, directory, RecordingInfo(notebook, NEVER_RECORDED, _sdk_version()))


def _show_live_answer(request: RecordedRequest, response: object) -> None:
    import httpx2

    assert isinstance(response, httpx2.Response)
    stand_in = response.headers.get("x-sandbox-stand-in")
    args = (request.method, request.path, response.status_code, stand_in)
    show(live_answer_text(*args), live_answer_html(*args), display_id=None)


def _show_banner(session: Session) -> None:
    display_id = _display_id(session.notebook)
    cassette, lang = session.cassette, session.lang
    if cassette is None:
        base_url, sdk = str(session.client.base_url), _sdk_version()
        show(live_banner_text(base_url, sdk, lang), live_banner_html(base_url, sdk, lang), display_id=display_id)
        return
    if session.mode is Mode.EXPLORE:  # never in committed outputs: they come from record and are checked in replay
        text = f"{banner_text(cassette.info, cassette.path.name, lang)}\n{explore_note_text(lang)}"
        html = banner_html(cassette.info, cassette.path.name, lang) + explore_note_html(lang)
        show(text, html, display_id=display_id)
        return
    shown = [banner_text(cassette.info, cassette.path.name, lang)]
    show(shown[0], banner_html(cassette.info, cassette.path.name, lang), display_id=display_id)
    if session.mode is Mode.RECORD:

        def refresh(changed: Cassette) -> None:  # the header fills in as responses arrive
            text = banner_text(changed.info, changed.path.name, lang)
            if text != shown[0]:
                shown[0] = text
                show(text, banner_html(changed.info, changed.path.name, lang), display_id=display_id, update=True)

        cassette.listeners.append(refresh)


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
