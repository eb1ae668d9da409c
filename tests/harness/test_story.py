"""Which recording answers a request: the same request at the same point of the notebook's story.

The recording below is 02_files in small: upload (cell up), list (cell ls), retrieve (cell get), delete (cell del),
retrieve again (cell gone: a 404). A learner runs cells in any order, edits them, adds new ones, runs the Korean twin.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.recording.cassette import Cassette, RecordingInfo
from helpers.recording.errors import CassetteMiss
from helpers.recording.interactions import Interaction, JsonBody, RecordedRequest, RecordedResponse
from helpers.recording.story import Cell, Story, changes_state, state_of
from helpers.wording import NotebookWording

JSON = {"content-type": ["application/json"]}
UPLOAD = RecordedRequest("POST", "/v1/files", body=JsonBody({"name": "train.csv"}))
LIST = RecordedRequest("GET", "/v1/files")
GET = RecordedRequest("GET", "/v1/files/file-1")
DELETE = RecordedRequest("DELETE", "/v1/files/file-1")
MODELS = RecordedRequest("GET", "/v1/models")
EMBED = RecordedRequest("POST", "/v1/embeddings", body=JsonBody({"input": "cat"}))
FILE = {"id": "file-1", "object": "file"}


def answer(data: object, status: int = 200) -> RecordedResponse:
    return RecordedResponse(status, JSON, JsonBody(data))


LISTED = answer({"object": "list", "data": [FILE]})
RETRIEVED = answer(FILE)
GONE = answer({"error": {"message": "No such File object: file-1"}}, 404)
EMPTY_MODELS = answer({"object": "list", "data": []})
VECTOR = answer({"data": [1]})


@pytest.fixture()
def cassette(tmp_path: Path) -> Cassette:
    recorded = [
        Interaction(MODELS, EMPTY_MODELS, cell="models"),
        Interaction(UPLOAD, answer(FILE), cell="up"),
        Interaction(LIST, LISTED, cell="ls"),
        Interaction(GET, RETRIEVED, cell="get"),
        Interaction(EMBED, VECTOR, cell="embed"),
        Interaction(DELETE, answer({"id": "file-1", "deleted": True}), cell="del"),
        Interaction(GET, GONE, cell="gone"),
    ]
    info = RecordingInfo("02_files", "2026-12-01", "3.57.0")
    return Cassette("02_files", tmp_path, info, recorded, wording=NotebookWording())


def test_state_is_per_endpoint_group() -> None:
    assert state_of("/v1/files/file-1/content") == "files" and state_of("/v1/uploads/u1/parts") == "files"
    assert state_of("/v1/models/ft:x") == "models"
    assert state_of("/v1/embeddings") is None and state_of("/v1/images/edits") is None
    assert changes_state("DELETE", "/v1/models/ft:x") and changes_state("POST", "/v1/files")
    assert not changes_state("GET", "/v1/files") and not changes_state("POST", "/v1/moderations")


def test_in_order_every_cell_gets_its_own_answer(cassette: Cassette) -> None:
    cells = ["models", "up", "ls", "get", "embed", "del", "gone"]
    requests = [MODELS, UPLOAD, LIST, GET, EMBED, DELETE, GET]
    answers = [cassette.play(r, cell=Cell(n, c)) for n, (r, c) in enumerate(zip(requests, cells, strict=True), 1)]
    assert answers[3] == RETRIEVED and answers[6] == GONE


def test_an_edited_cell_that_asks_the_same_gets_the_same_answer(cassette: Cassette) -> None:
    cassette.play(UPLOAD, cell=Cell(1, "up"))
    assert cassette.play(GET, cell=Cell(2, "get")) == RETRIEVED
    assert cassette.play(GET, cell=Cell(3, "get", "print(client.files.retrieve(...))")) == RETRIEVED


def test_a_new_cell_before_the_delete_gets_the_earlier_answer_not_the_later_404(cassette: Cassette) -> None:
    """Issue 20: a new cell repeating the retrieve before the delete must not see the 404 recorded after it."""
    cassette.play(UPLOAD, cell=Cell(1, "up"))
    assert cassette.play(GET, cell=Cell(2, "a-new-cell")) == RETRIEVED
    assert cassette.play(GET, cell=Cell(3, "another-new-cell")) == RETRIEVED
    cassette.play(DELETE, cell=Cell(4, "del"))
    assert cassette.play(GET, cell=Cell(5, "a-new-cell")) == GONE  # after the delete: the 404 is the truth


def test_the_retrieve_cell_re_run_after_the_delete_gets_the_404_recorded_for_that_state(cassette: Cassette) -> None:
    cassette.play(UPLOAD, cell=Cell(1, "up"))
    cassette.play(DELETE, cell=Cell(2, "del"))
    cassette.play(GET, cell=Cell(3, "gone"))
    assert cassette.play(GET, cell=Cell(4, "get")) == GONE  # the same request at this point: the 404


def test_a_list_before_any_upload_is_not_answered_with_the_list_recorded_after_it(cassette: Cassette) -> None:
    with pytest.raises(CassetteMiss) as caught:
        cassette.play(LIST, cell=Cell(1, "ls"))
    message = str(caught.value)
    assert "at this point" in message and "had a different history" in message
    assert "only after POST /v1/files" in message and "this kernel so far: no change" in message


def test_other_state_and_stateless_requests_do_not_care(cassette: Cassette) -> None:
    cassette.play(UPLOAD, cell=Cell(1, "up"))
    cassette.play(DELETE, cell=Cell(2, "del"))
    assert cassette.play(MODELS, cell=Cell(3, "models")) == EMPTY_MODELS  # files changed, models did not
    assert cassette.play(EMBED, cell=Cell(4, "x")) == VECTOR  # embeddings depend on no state


def test_the_korean_twin_shares_the_cell_ids_and_so_the_answers(cassette: Cassette, tmp_path: Path) -> None:
    english = [cassette.play(r, cell=Cell(n, c)) for n, (r, c) in enumerate([(UPLOAD, "up"), (GET, "get")], 1)]
    korean = Cassette("02_files", tmp_path, cassette.info, cassette.interactions, wording=NotebookWording())
    assert [korean.play(r, cell=Cell(n, c)) for n, (r, c) in enumerate([(UPLOAD, "up"), (GET, "get")], 1)] == english


def test_a_refused_change_changes_nothing(tmp_path: Path) -> None:
    """A failed upload (400) recorded before a retrieve must not be required of a kernel that skipped its cell."""
    refused = RecordedRequest("POST", "/v1/files", body=JsonBody({"name": "x", "purpose": "responses"}))
    recorded = [
        Interaction(UPLOAD, answer(FILE), cell="up"),
        Interaction(refused, answer({"error": {"message": "Invalid value for 'purpose'"}}, 400), cell="bad"),
        Interaction(GET, RETRIEVED, cell="get"),
    ]
    cassette = Cassette("02_files", tmp_path, RecordingInfo("02_files", "d", "s"), recorded, wording=NotebookWording())
    cassette.play(UPLOAD, cell=Cell(1, "up"))
    assert cassette.play(GET, cell=Cell(2, "get")) == RETRIEVED  # the "bad" cell was skipped


def test_without_cell_ids_recorded_order_decides() -> None:
    """nbval sends no cell ids: the first unused recording at this point, then the last again (vcrpy's order)."""
    story = Story([("POST", "/v1/images/generations")] * 2, ["a", "b"])
    assert story.choose([0, 1], None) == 0
    story.answered(0, [0, 1], None)
    assert story.choose([0, 1], None) == 1
    story.answered(1, [0, 1], None)
    assert story.choose([0, 1], None) == 1


def test_a_cell_asking_twice_gets_its_recordings_in_order_and_starts_over_when_re_run() -> None:
    story = Story([("POST", "/v1/images/generations")] * 2, ["a", "a"])
    first = Cell(1, "a")
    assert story.choose([0, 1], first) == 0
    story.answered(0, [0, 1], first)
    assert story.choose([0, 1], first) == 1
    story.answered(1, [0, 1], first)
    assert story.choose([0, 1], Cell(2, "a")) == 0  # a new run of the cell
