"""The harness's words in English and Korean: the catalogs cannot drift, the language follows the notebook."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

import helpers
from helpers import messages
from helpers.banner import banner_html, banner_text, live_answer_html, live_answer_text
from helpers.expect import expect_error
from helpers.messages import EN, KO, Messages, language, placeholders
from helpers.recording.errors import CassetteMiss, CassetteNotFoundError, ConfigError
from helpers.recording.header import RecordingInfo
from helpers.recording.interactions import JsonBody
from helpers.wire import Exchange, render_html, render_text, shorten

ROOT = Path(__file__).resolve().parents[2]
FIELDS = [f.name for f in dataclasses.fields(Messages)]
HANGUL = re.compile(r"[가-힣]")
# What a learner types or looks up stays as it is in every language: commands, variables, menu paths.
KEPT = re.compile(
    r"`[^`]+`|(?<![A-Za-z0-9_])OPENAI_[A-Z_]+(?![A-Z_])|File > Reload Notebook from Disk|api\.openai\.com"
)
NO_LANG_ENV = {"OPENAI_NOTEBOOK_LANG": "", "JPY_SESSION_NAME": ""}


# --- the catalog ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", FIELDS)
def test_both_languages_have_the_same_placeholders(field: str) -> None:
    english, korean = getattr(EN, field), getattr(KO, field)
    assert sorted(placeholders(english)) == sorted(placeholders(korean)), field


@pytest.mark.parametrize("field", FIELDS)
def test_every_korean_message_is_translated_and_keeps_commands(field: str) -> None:
    english, korean = getattr(EN, field), getattr(KO, field)
    assert HANGUL.search(korean), f"{field} is not translated: {korean!r}"
    assert sorted(KEPT.findall(english)) == sorted(KEPT.findall(korean)), field


def test_the_two_catalogs_have_the_same_ids() -> None:
    assert set(dataclasses.asdict(EN)) == set(dataclasses.asdict(KO)) == set(FIELDS)
    assert messages.CATALOGS == {"en": EN, "ko": KO}


def test_placeholder_parity_would_catch_a_drift() -> None:
    drifted = dataclasses.replace(KO, miss_where=" (셀 [{number}])")
    assert sorted(placeholders(EN.miss_where)) != sorted(placeholders(drifted.miss_where))


# --- which language ---------------------------------------------------------------------------------------------


def test_a_folder_named_ko_is_korean_anything_else_english(tmp_path: Path) -> None:
    assert language(environ=NO_LANG_ENV, cwd=tmp_path / "notebooks" / "ko") == "ko"
    assert language(environ=NO_LANG_ENV, cwd=tmp_path / "notebooks") == "en"
    assert language(environ={}, cwd=tmp_path / "kor") == "en"


def test_the_environment_overrides_the_folder_and_the_argument_overrides_both(tmp_path: Path) -> None:
    ko, en = tmp_path / "ko", tmp_path / "notebooks"
    assert language(environ={"OPENAI_NOTEBOOK_LANG": "en"}, cwd=ko) == "en"
    assert language(environ={"OPENAI_NOTEBOOK_LANG": "ko_KR"}, cwd=en) == "ko"
    assert language("en", environ={"OPENAI_NOTEBOOK_LANG": "ko"}, cwd=ko) == "en"
    assert language("KO", environ={"OPENAI_NOTEBOOK_LANG": "en"}, cwd=en) == "ko"
    with pytest.raises(ConfigError, match="OPENAI_NOTEBOOK_LANG is 'fr'"):
        language(environ={"OPENAI_NOTEBOOK_LANG": "fr"}, cwd=en)


def test_jupyterlabs_session_name_counts_unless_the_working_folder_holds_the_notebook(tmp_path: Path) -> None:
    english, korean = tmp_path / "notebooks", tmp_path / "notebooks" / "ko"
    korean.mkdir(parents=True)
    (korean / "01_embeddings.ipynb").write_text("{}")
    session = {"JPY_SESSION_NAME": str(korean / "01_embeddings.ipynb")}
    # the learner ran %cd somewhere else: the session name still knows the notebook
    assert language(notebook="01_embeddings", environ=session, cwd=tmp_path) == "ko"
    # a kernel started (by make record or nbval) inside an English notebook's kernel inherits its session name;
    # its own folder, which holds the notebook, is the truth
    inherited = {"JPY_SESSION_NAME": str(english / "00_setup.ipynb")}
    assert language(notebook="01_embeddings", environ=inherited, cwd=korean) == "ko"
    assert language(notebook="01_embeddings", environ=inherited, cwd=tmp_path) == "en"


def test_start_picks_korean_from_the_notebooks_folder(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    korean = clean_env / "notebooks" / "ko"
    korean.mkdir(parents=True)
    monkeypatch.chdir(korean)  # where JupyterLab and nbval start the kernel of notebooks/ko/04_models.ipynb
    helpers.start("04_models", mode="replay", cassettes=ROOT / "cassettes")
    session = helpers.current()
    assert session is not None and session.lang == "ko"
    printed = capsys.readouterr().out
    assert printed.startswith("샌드박스 녹화: 응답은 2026-") and "녹화 파일: 04_models.yaml." in printed
    helpers.start("04_models", mode="replay", cassettes=ROOT / "cassettes", lang="en")
    assert capsys.readouterr().out.startswith("Sandbox recording: responses were recorded on 2026-")


# --- what a Korean learner reads --------------------------------------------------------------------------------


@pytest.fixture()
def cassettes(tmp_path: Path) -> Path:
    folder = tmp_path / "cassettes"
    folder.mkdir()
    shutil.copy(ROOT / "cassettes" / "04_models.yaml", folder / "04_models.yaml")
    return folder


def test_a_korean_replay_miss_names_notebook_cell_and_request(clean_env: Path, cassettes: Path) -> None:
    client = helpers.start("04_models", mode="replay", cassettes=cassettes, lang="ko", banner=False)
    with pytest.raises(CassetteMiss) as caught:
        client.models.retrieve("no-such-model")
    headline, *details = str(caught.value).splitlines()
    assert headline.startswith("노트북 04_models의 요청 GET /v1/models/no-such-model에 맞는 녹화가 없습니다.")
    assert "가장 가까운 녹화와 다른 곳:" in headline
    text = "\n".join(details)
    assert "  노트북:      04_models (카세트 04_models.yaml, 녹화 " in text
    assert "  셀:          없음 (Jupyter 밖에서 실행)" in text
    assert "  요청:        GET /v1/models/no-such-model" in text
    assert "  가까운 녹화: #" in text and "  차이:        " in text
    assert "make record NOTEBOOKS=04_models" in text and """mode='replay'를 mode="explore"로""" in text
    assert not re.search(r"\b(notebook|request|closest|differs|recording)\b", text), text


def test_the_same_miss_in_english_is_unchanged(clean_env: Path, cassettes: Path) -> None:
    client = helpers.start("04_models", mode="replay", cassettes=cassettes, lang="en", banner=False)
    with pytest.raises(CassetteMiss) as caught:
        client.models.retrieve("no-such-model")
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("No recording matches GET /v1/models/no-such-model in notebook 04_models; ")
    assert lines[1].startswith("  notebook:  04_models (cassette 04_models.yaml, ")
    assert lines[2] == "  cell:      None"
    assert lines[-1] == "  Replay never uses the network and did not change the cassette."


def test_korean_errors_for_a_missing_cassette_and_a_missing_key(clean_env: Path, tmp_path: Path) -> None:
    with pytest.raises(CassetteNotFoundError, match=r"^노트북 04_models에는 아직 녹화가 없습니다 \("):
        helpers.start("04_models", mode="replay", cassettes=tmp_path / "empty", lang="ko")
    with pytest.raises(ConfigError, match=r"^live 모드는 실제 서버를 호출하므로 OPENAI_API_KEY가 필요합니다"):
        helpers.start("04_models", mode="live", lang="ko")


def test_expect_error_says_a_missing_error_in_the_notebooks_language() -> None:
    messages.use("ko")
    try:
        missing = r"^ValueError 또는 KeyError이\(가\) 일어나야 하는데"
        with pytest.raises(AssertionError, match=missing), expect_error(ValueError, KeyError):
            pass
    finally:
        messages.use(None)


SANDBOX_INFO = RecordingInfo(
    "04_models",
    "2026-12-01",
    "3.57.0",
    target="sandbox",
    server="sandbox 0.1.0",
    stand_ins=["static model catalog (ids from openai 3.57.0; created stamps fixed)"],
)


def test_the_korean_banner_says_the_servers_stand_in_labels_in_korean() -> None:
    assert banner_text(SANDBOX_INFO, "04_models.yaml", "ko") == (
        "샌드박스 녹화: 응답은 2026-12-01에 openai 3.57.0 버전으로 OpenAI가 아닌 로컬 샌드박스 (sandbox 0.1.0)를 "
        "상대로 녹화했습니다. OpenAI 모델 대신 쓰는 것: 고정된 모델 목록 (openai SDK가 아는 모델 id, 생성 시각 "
        "고정). 녹화 파일: 04_models.yaml."
    )
    html = banner_html(SANDBOX_INFO, "04_models.yaml", "ko")
    assert "<strong>샌드박스 녹화:</strong>" in html and "녹화 파일: <code>04_models.yaml</code>.</div>" in html
    assert banner_text(SANDBOX_INFO, "04_models.yaml", "en") == (
        "Sandbox recording: responses were recorded on 2026-12-01 with openai 3.57.0 against the local sandbox "
        "(sandbox 0.1.0), not OpenAI; in place of OpenAI's models it uses: static model catalog (ids from openai "
        "3.57.0; created stamps fixed). Recording file: 04_models.yaml."
    )


def test_a_stand_in_label_the_table_does_not_know_is_shown_as_the_server_wrote_it() -> None:
    from helpers.messages import stand_in_parts, stand_in_words

    assert stand_in_parts("a (b; c); d") == ["a (b; c)", "d"]
    assert stand_in_words("a brand new engine; sandbox file store (x)", "ko") == (
        "a brand new engine; 샌드박스 파일 저장소 (SQLite와 로컬 디스크)"
    )
    assert stand_in_words("sandbox file store (x)", "en") == "sandbox file store (x)"


def test_the_korean_live_answer_label() -> None:
    assert live_answer_text("GET", "/v1/models/x", 404, "static model catalog", "ko") == (
        "샌드박스 실시간 응답: GET /v1/models/x → 404: 녹화가 아니라 로컬 샌드박스가 방금 계산한 응답입니다 "
        "(OpenAI 아님). 계산한 것: 고정된 모델 목록 (openai SDK가 아는 모델 id, 생성 시각 고정)."
    )
    assert "<strong>샌드박스 실시간 응답:</strong>" in live_answer_html("GET", "/v1/models", 200, None, "ko")


def test_the_korean_wire_view_labels() -> None:
    vector = [i / 10 for i in range(1536)]
    exchange = Exchange(
        "POST",
        "/v1/embeddings",
        200,
        JsonBody({"input": "고양이", "model": "text-embedding-3-small"}),
        "application/json",
        JsonBody({"data": [{"embedding": vector}]}),
        "application/json",
        source="sandbox",
    )
    korean = render_html([exchange], "ko")
    for label in ("요청 본문", "응답 본문", "API 레퍼런스", "로컬 샌드박스의 실시간 응답", "… 1533개 더 (숫자 1536개)"):
        assert label in korean
    assert "Request body" not in korean and "API reference" not in korean
    assert render_text([exchange], "ko").startswith("HTTP: POST /v1/embeddings → 200 (로컬 샌드박스의 실시간 응답)")
    english = render_html([exchange], "en")
    assert "Request body" in english and "… 1533 more (1536 numbers)" in english
    assert shorten("A" * 200, "ko") == f"{'A' * 48}… (base64, 200자)"


def test_stop_forgets_the_language_so_the_next_start_detects_again(clean_env: Path, cassettes: Path) -> None:
    helpers.start("04_models", mode="replay", cassettes=cassettes, lang="ko", banner=False)
    assert messages.current() == "ko"
    helpers.stop()
    assert messages._chosen is None and messages.current() == "en"  # clean_env's folder is not named ko
