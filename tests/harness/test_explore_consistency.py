"""The learner's mode against real sandboxes: recorded answers and live ones never contradict each other.

A recording of a small files story is made against one sandbox; a learner then replays it in the learner's mode
with a second sandbox (the one a notebook starts for itself) and departs from it in two ways.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import DefaultHttpx2Client, NotFoundError, OpenAI

from helpers.recording.cassette import Cassette
from helpers.recording.explore import ExploreTransport
from helpers.recording.filters import SecretGuard
from helpers.recording.record import RecordTransport
from helpers.recording.story import Cell
from helpers.sandbox_process import SandboxProcess

TRAIN = b"question,answer\nWhat is 2+2?,4\n"
CHAT = b'{"messages": []}\n'
MINE = b"city,country\nSeoul,Korea\n"


class Cells:
    """Numbers the cells as a kernel would; each call is one cell run with the given id."""

    def __init__(self) -> None:
        self.count = 0
        self.current: Cell | None = None

    def run(self, cell_id: str) -> None:
        self.count += 1
        self.current = Cell(self.count, cell_id)


def the_story(client: OpenAI, cells: Cells, *, train: bytes = TRAIN) -> None:
    cells.run("up-train")
    client.files.create(file=("train.csv", train, "text/csv"), purpose="user_data")
    cells.run("up-chat")
    client.files.create(file=("chat.jsonl", CHAT, "application/jsonl"), purpose="fine-tune")
    cells.run("list")
    client.files.list()


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cassettes")
    with SandboxProcess(tmp_path_factory.mktemp("recorded-sandbox"), load_models=False, reproducible=True) as box:
        cassette = Cassette.start_recording("02_files", folder, sdk="3.57.0", guard=SecretGuard())
        cells = Cells()
        transport = RecordTransport(cassette, client_base_url=box.base_url, cell=lambda: cells.current)
        client = OpenAI(
            api_key="sk-x", base_url=box.base_url, max_retries=0, http_client=DefaultHttpx2Client(transport=transport)
        )
        the_story(client, cells)
    return folder


@pytest.fixture(scope="module")
def learners_sandbox() -> Iterator[SandboxProcess]:
    with SandboxProcess(None, load_models=False, for_learner=True) as box:
        yield box


@pytest.fixture()
def explore(recording: Path, learners_sandbox: SandboxProcess) -> tuple[OpenAI, Cells, list[str]]:
    cells, live = Cells(), []
    transport = ExploreTransport(
        Cassette.load("02_files", recording),
        sandbox=lambda: learners_sandbox.base_url,
        api_key="sk-explore",
        cell=lambda: cells.current,
        on_live_answer=lambda request, response: live.append(f"{request.method} {request.path}"),
    )
    client = OpenAI(api_key="sk-x", max_retries=0, http_client=DefaultHttpx2Client(transport=transport))
    return client, cells, live


def recorded_ids(recording: Path) -> list[str]:
    cassette = Cassette.load("02_files", recording)
    return [i.response.body.data["id"] for i in cassette.interactions if i.request.method == "POST"]  # type: ignore[union-attr]


def test_unchanged_the_recording_answers_everything(explore: tuple[OpenAI, Cells, list[str]]) -> None:
    client, cells, live = explore
    the_story(client, cells)
    assert live == []


def test_an_own_upload_makes_the_files_live_and_everything_after_agrees(
    explore: tuple[OpenAI, Cells, list[str]], recording: Path
) -> None:
    client, cells, live = explore
    cells.run("up-train")
    mine = client.files.create(file=("my_cities.csv", MINE, "text/csv"), purpose="user_data")  # changed: live
    cells.run("up-chat")
    chat = client.files.create(file=("chat.jsonl", CHAT, "application/jsonl"), purpose="fine-tune")
    cells.run("list")
    listed = client.files.list().data
    assert [f.filename for f in listed] == ["chat.jsonl", "my_cities.csv"]  # not the recorded train.csv
    assert {f.id for f in listed} == {mine.id, chat.id} and not {mine.id, chat.id} & set(recorded_ids(recording))
    assert client.files.retrieve(chat.id).filename == "chat.jsonl"
    assert client.files.content(mine.id).content == MINE
    for file in (mine, chat):
        assert client.files.delete(file.id).deleted
    assert client.files.list().data == []
    assert live[0] == "POST /v1/files" and len(live) == 8  # every answer after the change came live


def test_after_the_recorded_uploads_a_new_request_sees_them_under_their_recorded_ids(
    explore: tuple[OpenAI, Cells, list[str]], recording: Path
) -> None:
    client, cells, live = explore
    the_story(client, cells)  # recorded answers
    train_id, chat_id = recorded_ids(recording)
    cells.run("a-new-cell")
    mine = client.files.create(file=("my_cities.csv", MINE, "text/csv"), purpose="user_data")
    assert live == ["POST /v1/files"]
    listed = client.files.list().data
    assert [f.id for f in listed] == [mine.id, chat_id, train_id]  # the sandbox holds what the recording said
    assert client.files.retrieve(train_id).filename == "train.csv"  # an id printed from the recording still works
    assert client.files.content(train_id).content == TRAIN
    assert client.files.delete(chat_id).deleted
    with pytest.raises(NotFoundError):
        client.files.retrieve(chat_id)
