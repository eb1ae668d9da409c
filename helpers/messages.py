"""What the harness says to a learner, in English and in Korean, and which of the two a notebook gets.

One frozen dataclass lists every message (a field per message, ``str.format`` placeholders inside); ``EN`` and
``KO`` are its two instances, so a message missing in one language does not even construct, and a test checks that
both spell the same placeholders. ``text()`` gives the current language's catalog.

The language is chosen without any change to the code the learner sees (``client = helpers.start("01_embeddings")``
is the same in ``notebooks/`` and ``notebooks/ko/``), first match wins:

1. ``helpers.start(..., lang="ko")``;
2. ``OPENAI_NOTEBOOK_LANG=ko|en`` (the environment, or a ``.env`` file);
3. the kernel's working directory, when it holds this notebook: JupyterLab, nbclient (``make record``) and nbval
   all start a kernel in its notebook's folder, and a folder named ``ko`` means Korean;
4. ``JPY_SESSION_NAME``, the notebook path JupyterLab gives its kernels (still right after a ``%cd``);
5. the working directory's name, as in 3.

Step 3 comes before 4 because ``JPY_SESSION_NAME`` is inherited: kernels that ``!make record`` starts from inside
an English notebook carry that notebook's path, while their own folder is the truth.
"""

from __future__ import annotations

import os
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Final, Literal

Lang = Literal["en", "ko"]
LANGUAGES: Final[tuple[Lang, ...]] = ("en", "ko")
LANG_ENV: Final = "OPENAI_NOTEBOOK_LANG"
SESSION_ENV: Final = "JPY_SESSION_NAME"
FOLDERS: Final[Mapping[str, Lang]] = {"ko": "ko"}  # a notebook folder's name -> its language; anything else: en


@dataclass(frozen=True)
class Messages:
    """Every user-facing sentence of the harness, by id. Placeholders are ``str.format`` fields."""

    # helpers/banner.py: the provenance banner (label, sentence)
    banner_when: str
    no_recording_label: str
    no_recording: str
    sandbox_label: str
    sandbox_recorded: str
    stand_ins: str
    openai_label: str
    openai_recorded: str
    other_label: str
    other_recorded: str
    empty_label: str
    empty_recorded: str
    cassette: str
    live_label: str
    live_sentence: str
    mode_label: str
    mode_explore: str
    mode_replay: str
    mode_record: str
    mode_live: str
    mode_by_argument: str
    mode_by_environment: str
    mode_by_dotenv: str
    mode_by_default: str
    live_answer_label: str
    live_answer: str
    computed_by: str
    drawn: str  # what the sandbox's image stand-in drew (x-sandbox-drawn), under the picture's cell
    drawn_nothing: str
    # helpers/wire.py: the wire view
    wire_sandbox: str
    wire_live: str
    wire_more_numbers: str
    wire_more_items: str
    wire_cut: str
    wire_cut_text: str
    wire_file_part: str
    wire_empty: str
    wire_bytes: str
    wire_request_body: str
    wire_response_body: str
    wire_reference: str
    wire_image_alt: str
    # helpers/expect.py
    expect_or: str
    expect_not_raised: str
    # helpers/recording/cassette.py: a strict replay miss, and the cassette's other errors
    miss_where: str
    miss_empty: str
    miss_closest_differs: str
    miss_nothing: str
    miss_notebook: str
    miss_notebook_value: str
    miss_cell: str
    miss_no_cell: str
    miss_request: str
    miss_closest: str
    miss_closest_none: str
    miss_differs: str
    miss_differs_note: str
    miss_more: str
    miss_try: str
    miss_try_value: str
    leave_by_argument: str
    leave_by_environment: str
    leave_by_dotenv: str
    miss_other_point: str
    miss_recorded: str
    miss_recorded_value: str
    miss_no_change: str
    miss_rerecord: str
    miss_rerecord_value: str
    miss_unchanged: str
    not_found: str
    closed: str
    # helpers/local_sandbox.py, helpers/recording/transport.py, helpers/session.py
    sandbox_start: str
    unreachable: str
    unreachable_local: str
    unreachable_remote: str
    live_needs_key: str
    record_needs_key: str
    # helpers/plots.py: alt texts (what a chart shows, for screen readers and the docs site) and the modes diagram
    chart_more: str
    kind_heatmap: str
    kind_scatter: str
    kind_bars: str
    kind_lines: str
    kind_timeline: str
    kind_filmstrip: str
    alt_heatmap: str
    alt_scatter: str
    alt_cluster: str
    cluster_name: str
    alt_bars: str
    alt_highlighted: str
    alt_lines: str
    alt_lines_axis: str
    alt_trend: str
    alt_timeline: str
    alt_dashed: str
    alt_picture: str
    alt_pictures: str
    picture_name: str
    alt_filmstrip: str
    modes_title: str
    modes_alt: str
    modes_alt_row: str
    modes_notebook: str
    modes_recordings_first: str
    modes_recordings: str
    modes_server: str
    modes_note_explore: str
    modes_note_replay: str
    modes_note_record: str
    modes_note_live: str


EN: Final = Messages(
    banner_when="on {date} with openai {sdk}",
    no_recording_label="No recording",
    no_recording="this notebook has no recordings yet.",
    sandbox_label="Sandbox recording",
    sandbox_recorded="responses were recorded {when} against the local sandbox{server}, not OpenAI{stand_ins}.",
    stand_ins="; in place of OpenAI's models it uses: {labels}",
    openai_label="OpenAI recording",
    openai_recorded="responses were recorded {when} against OpenAI (api.openai.com).",
    other_label="Recording from another server",
    other_recorded="responses were recorded {when} against another OpenAI-compatible server{host}, not OpenAI.",
    empty_label="Recording",
    empty_recorded="no responses were recorded (recording started {when}).",
    cassette="Recording file: {name}.",
    live_label="Live",
    live_sentence="responses come from {base_url} as the cells run; nothing is recorded (openai {sdk}).",
    mode_label="Mode",
    mode_explore=(
        "the learner's mode (explore): answers come from the recording; a request it cannot answer goes live to a "
        "local sandbox (small local models, not OpenAI) and is labelled under its cell. Nothing is recorded"
    ),
    mode_replay="strict replay (replay): answers come only from the recording; any other request is an error",
    mode_record="record: every request goes to the server and is saved in the recording",
    mode_live="live: every request goes to the server; nothing is recorded",
    mode_by_argument="set by mode={value!r} in helpers.start()",
    mode_by_environment="set by {name}={value} in the kernel's environment",
    mode_by_dotenv="set by {name}={value} on line {line} of {file}",
    mode_by_default="the default",
    live_answer_label="Sandbox, live",
    live_answer="live answer from the local sandbox, not from the recording (not OpenAI).{computed}",
    computed_by=" Computed by: {stand_in}.",
    drawn="the sandbox drew {subjects} (emoji artwork picked from the prompt's words)",
    drawn_nothing="the sandbox found nothing in the prompt to draw and painted the scene alone",
    wire_sandbox="live answer from the local sandbox",
    wire_live="live answer",
    wire_more_numbers="… {more} more ({total} numbers)",
    wire_more_items="… {more} more ({total} items)",
    wire_cut="{head}… ({kind}{length:,} characters)",
    wire_cut_text="{head}\n… ({length:,} characters in all)",
    wire_file_part="file {filename!r} ({kind}{size:,} bytes)",
    wire_empty="(empty)",
    wire_bytes="{kind}, {size:,} bytes",
    wire_request_body="Request body",
    wire_response_body="Response body",
    wire_reference="API reference",
    wire_image_alt="{title} image {number}",
    expect_or=" or ",
    expect_not_raised="expected {names}, but the code ran without raising it",
    miss_where=" (cell [{count}])",
    miss_empty="No recording matches {method} {path} in notebook {notebook}{where}: the cassette holds no recordings.",
    miss_closest_differs=(
        "No recording matches {method} {path} in notebook {notebook}{where}; closest recording differs in {first}."
    ),
    miss_nothing="nothing",
    miss_notebook="notebook:",
    miss_notebook_value="{notebook} (cassette {cassette}, {count} recordings)",
    miss_cell="cell:",
    miss_no_cell="None",
    miss_request="request:",
    miss_closest="closest:",
    miss_closest_none="none (the cassette is empty)",
    miss_differs="differs:",
    miss_differs_note="   (this request != recording)",
    miss_more="… and {more} more",
    miss_try="try it:",
    miss_try_value=(
        "strict replay answers only recorded requests. To get an answer, switch to the learner's mode, where a "
        "local sandbox answers changed requests live: {how}."
    ),
    leave_by_argument=(
        'in the setup cell, change mode={value!r} to mode="explore" (or remove it) and run that cell again'
    ),
    leave_by_environment=(
        "{name}={value} comes from the environment JupyterLab was started with: run `%env {name}=explore` in a cell, "
        "then run the setup cell again (or start JupyterLab without it)"
    ),
    leave_by_dotenv=(
        "delete line {line} of {file} ({name}={value}) or set it to explore, then run the setup cell again: "
        "helpers.start() reads .env each time, no kernel restart needed"
    ),
    miss_other_point=(
        "No recording answers {method} {path} in notebook {notebook}{where} at this point: it was recorded when the "
        "server's {state} had a different history."
    ),
    miss_recorded="recorded:",
    miss_recorded_value="only after {before}; this kernel so far: {now}",
    miss_no_change="no change",
    miss_rerecord="re-record:",
    miss_rerecord_value=(
        "to change the committed recording instead: save the notebook, run `{command}` in a terminal, then reload "
        "the notebook from disk (File > Reload Notebook from Disk) before editing again."
    ),
    miss_unchanged="Replay never uses the network and did not change the cassette.",
    not_found=(
        "notebook {notebook} has no recording yet ({path} does not exist). Record it with: {command}  "
        "(or set OPENAI_NOTEBOOK_MODE=live)"
    ),
    closed=(
        "this client's cassette for {notebook} was replaced by a later helpers.start(); use the client that call "
        "returned"
    ),
    sandbox_start=(
        "The local sandbox that answers new requests did not start ({error}).\n{tail}\nCheck the install with "
        "`{python} -m sandbox --help` (run `make lab` again to repair it), or switch to strict replay: "
        "OPENAI_NOTEBOOK_MODE=replay."
    ),
    unreachable=(
        "Nothing answered at {base_url} ({error_type}: {error}). {what_to_start} use the learner's mode instead: "
        "unset OPENAI_NOTEBOOK_MODE and re-run the setup cell (recordings, plus a local sandbox started for you "
        "for anything new; no key, no network)."
    ),
    unreachable_local="Start the sandbox in a terminal with `make sandbox` (it prints the two variables to set), or",
    unreachable_remote="Check OPENAI_BASE_URL and your connection, or",
    live_needs_key=(
        "live mode calls a real server and needs OPENAI_API_KEY. To call OpenAI, set OPENAI_API_KEY (in the "
        "environment or a .env file). To call the local sandbox instead, start it in a terminal with `make sandbox` "
        "and set the two variables it prints. Or use the learner's mode, which needs neither: unset "
        "OPENAI_NOTEBOOK_MODE (or call helpers.start({notebook!r}, mode='explore'))."
    ),
    record_needs_key=(
        "record mode calls the real server and needs OPENAI_API_KEY (and OPENAI_BASE_URL for the sandbox). "
        "`{command}` starts the sandbox and sets both for you."
    ),
    chart_more="; and {more} more",
    kind_heatmap="Heatmap",
    kind_scatter="Scatter plot",
    kind_bars="Bar chart",
    kind_lines="Line chart",
    kind_timeline="Timeline",
    kind_filmstrip="Filmstrip",
    alt_heatmap=(
        "{titled} {rows} rows ({row_names}) by {columns} columns ({column_names}); values from {low} to {high}."
    ),
    alt_scatter="{titled} {points} points in {clusters} clusters. {described}",
    alt_cluster="Cluster {number}: {members}.",
    cluster_name="cluster {}",
    alt_bars="{titled} {count} bars: {pairs}.",
    alt_highlighted=" Highlighted: {names}.",
    alt_lines="{titled} {count} line(s){axis}: {trends}.",
    alt_lines_axis=" over {axis}",
    alt_trend="{name} from {first} at {x_first} to {last} at {x_last}",
    alt_timeline="{titled} {count} items: {events}.",
    alt_dashed=" Dashed lines: {marks}.",
    alt_picture="Picture: {pictures}.",
    alt_pictures="{count} pictures side by side: {pictures}.",
    picture_name="picture {number}",
    alt_filmstrip="{titled} {count} pictures in order, left to right: {frames}.",
    modes_title="Where requests go in each mode",
    modes_alt="Diagram: where requests go in each mode. {rows}",
    modes_alt_row="{mode}: {path}, {note}.",
    modes_notebook="notebook",
    modes_recordings_first="recordings first,\nelse a local sandbox",
    modes_recordings="recordings",
    modes_server="OpenAI or sandbox",
    modes_note_explore="recorded answers; anything new answered live by a local sandbox",
    modes_note_replay="answers read from recordings only",
    modes_note_record="live answers, written to recordings",
    modes_note_live="live answers, nothing kept",
)

KO: Final = Messages(
    banner_when="{date}에 openai {sdk} 버전으로",
    no_recording_label="녹화 없음",
    no_recording="이 노트북에는 아직 녹화가 없습니다.",
    sandbox_label="샌드박스 녹화",
    sandbox_recorded=("응답은 {when} OpenAI가 아닌 로컬 샌드박스{server}를 상대로 녹화했습니다{stand_ins}."),
    stand_ins=". OpenAI 모델 대신 쓰는 것: {labels}",
    openai_label="OpenAI 녹화",
    openai_recorded="응답은 {when} OpenAI(api.openai.com)를 상대로 녹화했습니다.",
    other_label="다른 서버의 녹화",
    other_recorded="응답은 {when} OpenAI가 아닌 다른 OpenAI 호환 서버{host}를 상대로 녹화했습니다.",
    empty_label="녹화",
    empty_recorded="녹화된 응답이 없습니다 ({when} 녹화 시작).",
    cassette="녹화 파일: {name}.",
    live_label="라이브",
    live_sentence="셀을 실행할 때마다 {base_url}에서 응답을 받습니다. 아무것도 녹화하지 않습니다 (openai {sdk}).",
    mode_label="모드",
    mode_explore=(
        "학습자 모드(explore): 답은 녹화에서 옵니다. 녹화가 답할 수 없는 요청은 로컬 샌드박스(OpenAI가 아닌 작은 "
        "로컬 모델)가 실시간으로 답하고, 그 셀 아래에 그렇다고 표시합니다. 아무것도 녹화하지 않습니다"
    ),
    mode_replay="엄격한 재생(replay): 답은 녹화에서만 옵니다. 그 밖의 요청은 오류입니다",
    mode_record="녹화(record): 모든 요청을 서버로 보내고 녹화에 저장합니다",
    mode_live="라이브(live): 모든 요청을 서버로 보내고, 아무것도 녹화하지 않습니다",
    mode_by_argument="helpers.start()의 mode={value!r} 설정",
    mode_by_environment="커널 환경 변수 {name}={value} 설정",
    mode_by_dotenv="{file} 파일 {line}번째 줄의 {name}={value} 설정",
    mode_by_default="기본값",
    live_answer_label="샌드박스 실시간 응답",
    live_answer="녹화가 아니라 로컬 샌드박스가 방금 계산한 응답입니다 (OpenAI 아님).{computed}",
    computed_by=" 계산한 것: {stand_in}.",
    drawn="샌드박스가 그린 것: {subjects} (프롬프트의 낱말로 고른 이모지 그림, 이름은 영어 CLDR 이름)",
    drawn_nothing="샌드박스가 프롬프트에서 그릴 대상을 찾지 못해 배경만 그렸습니다",
    wire_sandbox="로컬 샌드박스의 실시간 응답",
    wire_live="실시간 응답",
    wire_more_numbers="… {more}개 더 (숫자 {total}개)",
    wire_more_items="… {more}개 더 (항목 {total}개)",
    wire_cut="{head}… ({kind}{length:,}자)",
    wire_cut_text="{head}\n… (모두 {length:,}자)",
    wire_file_part="파일 {filename!r} ({kind}{size:,}바이트)",
    wire_empty="(비어 있음)",
    wire_bytes="{kind}, {size:,}바이트",
    wire_request_body="요청 본문",
    wire_response_body="응답 본문",
    wire_reference="API 레퍼런스",
    wire_image_alt="{title} 이미지 {number}",
    expect_or=" 또는 ",
    expect_not_raised="{names}이(가) 일어나야 하는데, 코드가 오류 없이 실행되었습니다",
    miss_where=" (셀 [{count}])",
    miss_empty=(
        "노트북 {notebook}{where}의 요청 {method} {path}에 맞는 녹화가 없습니다. 카세트에 녹화가 하나도 없습니다."
    ),
    miss_closest_differs=(
        "노트북 {notebook}{where}의 요청 {method} {path}에 맞는 녹화가 없습니다. 가장 가까운 녹화와 다른 곳: {first}."
    ),
    miss_nothing="없음",
    miss_notebook="노트북:",
    miss_notebook_value="{notebook} (카세트 {cassette}, 녹화 {count}개)",
    miss_cell="셀:",
    miss_no_cell="없음 (Jupyter 밖에서 실행)",
    miss_request="요청:",
    miss_closest="가까운 녹화:",
    miss_closest_none="없음 (카세트가 비어 있음)",
    miss_differs="차이:",
    miss_differs_note="   (이 요청 != 녹화)",
    miss_more="… 외 {more}개",
    miss_try="해 보기:",
    miss_try_value=(
        "엄격한 재생은 녹화된 요청에만 답합니다. 응답을 받으려면 바뀐 요청에 로컬 샌드박스가 실시간으로 답하는 "
        "학습자 모드로 바꾸세요: {how}."
    ),
    leave_by_argument='설정 셀에서 mode={value!r}를 mode="explore"로 바꾸거나 지우고, 그 셀을 다시 실행하세요',
    leave_by_environment=(
        "{name}={value}는 JupyterLab을 시작할 때의 환경 변수에서 옵니다: 셀에서 `%env {name}=explore`를 실행한 "
        "다음 설정 셀을 다시 실행하세요(또는 그 변수 없이 JupyterLab을 시작하세요)"
    ),
    leave_by_dotenv=(
        "{file} 파일의 {line}번째 줄({name}={value})을 지우거나 explore로 바꾼 다음 설정 셀을 다시 실행하세요: "
        "helpers.start()는 실행할 때마다 .env를 다시 읽으므로 커널을 다시 시작할 필요가 없습니다"
    ),
    miss_other_point=(
        "노트북 {notebook}{where}의 {method} {path} 요청에 지금 시점에 답할 녹화가 없습니다: 이 요청은 서버의 "
        "{state} 기록이 달랐을 때 녹화되었습니다."
    ),
    miss_recorded="녹화 시점:",
    miss_recorded_value="{before} 다음에만 있음. 이 커널의 지금까지: {now}",
    miss_no_change="변화 없음",
    miss_rerecord="다시 녹화:",
    miss_rerecord_value=(
        "커밋된 녹화를 바꾸려면: 노트북을 저장하고, 터미널에서 `{command}` 명령을 실행한 다음, 다시 편집하기 전에 "
        "노트북을 디스크에서 다시 불러오세요 (File > Reload Notebook from Disk, 한국어 메뉴에서는 "
        "파일 > 디스크에서 … 다시 불러오기)."
    ),
    miss_unchanged="재생은 네트워크를 쓰지 않으며, 카세트도 바꾸지 않았습니다.",
    not_found=(
        "노트북 {notebook}에는 아직 녹화가 없습니다 ({path} 파일이 없음). 녹화하려면: {command}  "
        "(또는 OPENAI_NOTEBOOK_MODE=live 설정)"
    ),
    closed=(
        "이 클라이언트의 {notebook} 카세트는 나중에 호출한 helpers.start()가 대신했습니다. 그 호출이 돌려준 "
        "클라이언트를 쓰세요"
    ),
    sandbox_start=(
        "새 요청에 답할 로컬 샌드박스가 시작되지 않았습니다 ({error}).\n{tail}\n"
        "`{python} -m sandbox --help` 명령으로 설치 상태를 확인하거나(고치려면 `make lab` 명령을 다시 실행), "
        "엄격한 재생으로 바꾸세요: OPENAI_NOTEBOOK_MODE=replay."
    ),
    unreachable=(
        "{base_url}에서 아무것도 응답하지 않았습니다 ({error_type}: {error}). {what_to_start} 대신 학습자 모드를 "
        "쓰세요: OPENAI_NOTEBOOK_MODE를 지우고 설정 셀을 다시 실행하면 됩니다 (녹화를 재생하고, 새 요청에는 "
        "자동으로 시작되는 로컬 샌드박스가 답합니다. API 키도 네트워크도 필요 없습니다)."
    ),
    unreachable_local="터미널에서 `make sandbox` 명령으로 샌드박스를 시작하거나(설정할 변수 두 개를 출력합니다),",
    unreachable_remote="OPENAI_BASE_URL과 네트워크 연결을 확인하거나,",
    live_needs_key=(
        "live 모드는 실제 서버를 호출하므로 OPENAI_API_KEY가 필요합니다. OpenAI를 호출하려면 OPENAI_API_KEY를 "
        "설정하세요(환경 변수나 .env 파일). 대신 로컬 샌드박스를 호출하려면 터미널에서 `make sandbox` 명령으로 "
        "시작하고, 출력되는 변수 두 개를 설정하세요. 둘 다 필요 없는 학습자 모드도 있습니다: "
        "OPENAI_NOTEBOOK_MODE를 지우세요(또는 helpers.start({notebook!r}, mode='explore') 호출)."
    ),
    record_needs_key=(
        "record 모드는 실제 서버를 호출하므로 OPENAI_API_KEY가 필요합니다(샌드박스라면 OPENAI_BASE_URL도). "
        "`{command}` 명령이 샌드박스를 시작하고 두 변수를 설정해 줍니다."
    ),
    chart_more="; 외 {more}개",
    kind_heatmap="히트맵",
    kind_scatter="산점도",
    kind_bars="막대그래프",
    kind_lines="꺾은선그래프",
    kind_timeline="타임라인",
    kind_filmstrip="필름 스트립",
    alt_heatmap="{titled} 행 {rows}개({row_names}), 열 {columns}개({column_names}), 값은 {low}부터 {high}까지.",
    alt_scatter="{titled} 점 {points}개, 클러스터 {clusters}개. {described}",
    alt_cluster="클러스터 {number}: {members}.",
    cluster_name="클러스터 {}",
    alt_bars="{titled} 막대 {count}개: {pairs}.",
    alt_highlighted=" 강조한 막대: {names}.",
    alt_lines="{titled} 선 {count}개{axis}: {trends}.",
    alt_lines_axis=" (가로축: {axis})",
    alt_trend="{name}: {x_first}에서 {first}, {x_last}에서 {last}",
    alt_timeline="{titled} 항목 {count}개: {events}.",
    alt_dashed=" 점선: {marks}.",
    alt_picture="그림: {pictures}.",
    alt_pictures="나란히 놓인 그림 {count}장: {pictures}.",
    picture_name="그림 {number}",
    alt_filmstrip="{titled} 그림 {count}장, 왼쪽부터 도착한 순서대로: {frames}.",
    modes_title="모드마다 요청이 가는 곳",
    modes_alt="그림: 모드마다 요청이 가는 곳. {rows}",
    modes_alt_row="{mode}: {path} 순서, {note}.",
    modes_notebook="노트북",
    modes_recordings_first="녹화 먼저,\n없으면 로컬 샌드박스",
    modes_recordings="녹화",
    modes_server="OpenAI 또는 샌드박스",
    modes_note_explore="녹화된 응답, 새 요청은 로컬 샌드박스가 실시간 응답",
    modes_note_replay="녹화에서만 응답",
    modes_note_record="실시간 응답을 녹화에 기록",
    modes_note_live="실시간 응답, 남기지 않음",
)

CATALOGS: Final[Mapping[Lang, Messages]] = {"en": EN, "ko": KO}

# What the sandbox computes instead of OpenAI's models, in other languages. The server names each of its engines in
# English (the x-sandbox-stand-in header, a recording's ``stand_ins``); a part of such a name is shown in the
# notebook's language by how it begins, and as the server wrote it when no entry matches (a new engine).
STAND_IN_WORDS: Final[Mapping[Lang, tuple[tuple[str, str], ...]]] = {
    "ko": (
        ("static model catalog", "고정된 모델 목록 (openai SDK가 아는 모델 id, 생성 시각 고정)"),
        ("sandbox file store", "샌드박스 파일 저장소 (SQLite와 로컬 디스크)"),
        (
            "Universal Sentence Encoder multilingual v3",
            "Universal Sentence Encoder 다국어 v3 임베딩 (512차원 벡터를 모델의 차원으로 늘림)",
        ),
        ("tokens counted in cl100k_base", "토큰은 OpenAI 임베딩 모델처럼 cl100k_base로 셈"),
        (
            "text: logistic regressions",
            "텍스트: 같은 인코더 벡터 위의 로지스틱 회귀 (유해/무해 판별과 13개 카테고리, 이 프로젝트에서 쓴 "
            "영어·한국어 예문으로 학습)",
        ),
        (
            "images: pixel heuristic",
            "이미지: 픽셀 규칙 (피부색 비율 → sexual, 검붉은 비율 → violence), 학습된 분류기 아님",
        ),
        (
            "procedural image painter",
            "절차적 그림 생성기 (numpy + Pillow, 생성 모델 아님): 프롬프트의 대상을 Unicode CLDR 이름으로 고른 "
            "이모지(Twemoji, CC-BY 4.0)로 그림",
        ),
    ),
}


def stand_in_parts(label: str) -> list[str]:
    """The clauses of a stand-in label: split at "; " outside parentheses (a clause may hold "(a; b)")."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(label):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and label.startswith("; ", index):
            parts.append(label[start:index])
            start = index + 2
    parts.append(label[start:])
    return [part.strip() for part in parts if part.strip()]


def stand_in_words(label: str, lang: Lang | None = None) -> str:
    """A stand-in label in the notebook's language, clause by clause (see ``STAND_IN_WORDS``)."""
    table = STAND_IN_WORDS.get(lang or current(), ())
    said = [next((words for start, words in table if part.startswith(start)), part) for part in stand_in_parts(label)]
    return "; ".join(said)


# --- which language ---------------------------------------------------------------------------------------------


def parse_lang(value: str, source: str) -> Lang:
    """``ko``, ``KO``, ``ko_KR``, ``ko-KR`` -> ``ko``; an unknown language is a ConfigError naming ``source``."""
    code = value.strip().replace("_", "-").split("-")[0].lower()
    for lang in LANGUAGES:
        if code == lang:
            return lang
    from helpers.recording.errors import ConfigError

    raise ConfigError(f"{source} is {value!r}; use one of: {', '.join(LANGUAGES)}")


def folder_lang(folder: Path) -> Lang:
    return FOLDERS.get(folder.name, "en")


def language(
    explicit: str | None = None,
    *,
    notebook: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Lang:
    """The language of this notebook's messages (see the module's docstring for the order)."""
    env = os.environ if environ is None else environ
    if explicit is not None:
        return parse_lang(explicit, "lang")
    if env.get(LANG_ENV):
        return parse_lang(env[LANG_ENV], LANG_ENV)
    here = Path.cwd() if cwd is None else cwd
    if notebook is not None and (here / f"{notebook}.ipynb").is_file():
        return folder_lang(here)
    session = env.get(SESSION_ENV)
    if session and session.endswith(".ipynb"):
        return folder_lang(Path(session).parent)
    return folder_lang(here)


_chosen: Lang | None = None


def use(lang: Lang | None) -> None:
    """Fix the language for this kernel's messages (``helpers.start`` does); None: detect again on each use."""
    global _chosen
    _chosen = lang


def current() -> Lang:
    return _chosen if _chosen is not None else language()


def text(lang: Lang | None = None) -> Messages:
    """The catalog of ``lang``, or of the current language."""
    return CATALOGS[lang or current()]


# --- formatting helpers -----------------------------------------------------------------------------------------


def placeholders(template: str) -> list[tuple[str, str, str]]:
    """(name, conversion, format spec) of each field, in order: what must match across languages."""
    return [
        (name, conversion or "", spec or "")
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    ]


def html(template: str, **markup: str) -> str:
    """``template`` with its own words HTML-escaped and ``markup`` (already safe HTML) put in its fields."""
    parts = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        parts.append(escape(literal))
        if name is not None:
            field = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            parts.append(field.format(**markup))
    return "".join(parts)


def width(text: str) -> int:
    """Columns a terminal gives ``text``: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def columns(rows: list[tuple[str, str]], minimum: int = 11) -> list[str]:
    """``label value`` lines with the values lined up; a row with an empty label continues the one above."""
    column = max([minimum, *(width(label) + 1 for label, _ in rows)])
    return [f"{label}{' ' * (column - width(label))}{value}" for label, value in rows]
