"""Models endpoints: list, retrieve, and delete (only the caller's fine-tuned model may go)."""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI

from helpers.sandbox_process import SandboxProcess
from tests.clients import strict_client

FINE_TUNED = "ft:text-embedding-3-small:sandbox-org::demo0001"


@pytest.fixture()
def client(light_sandbox: SandboxProcess) -> OpenAI:
    return strict_client(light_sandbox)


def test_list_has_current_models_and_no_retired_ones(client: OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert {"text-embedding-3-small", "omni-moderation-latest", "gpt-image-2", FINE_TUNED} <= set(ids)
    assert not {"dall-e-2", "dall-e-3", "gpt-image-1"} & set(ids)
    assert len(ids) == len(set(ids))


def test_retrieve(client: OpenAI) -> None:
    model = client.models.retrieve("text-embedding-3-small")
    assert (model.id, model.object, model.owned_by) == ("text-embedding-3-small", "model", "system")
    tuned = client.models.retrieve(FINE_TUNED)
    assert (tuned.id, tuned.owned_by) == (FINE_TUNED, "sandbox-org")


def test_unknown_and_retired_models_are_not_found(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match="`gpt-99` does not exist"):
        client.models.retrieve("gpt-99")
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("dall-e-3")
    with pytest.raises(openai.NotFoundError):
        client.models.delete("ft:nothing:here::0")


def test_base_models_cannot_be_deleted(client: OpenAI) -> None:
    with pytest.raises(openai.PermissionDeniedError, match="only fine-tuned models") as caught:
        client.models.delete("text-embedding-3-small")
    assert caught.value.status_code == 403
    assert client.models.retrieve("text-embedding-3-small").id == "text-embedding-3-small"


def test_delete_the_fine_tuned_model(client: OpenAI) -> None:
    deleted = client.models.delete(FINE_TUNED)
    assert (deleted.id, deleted.object, deleted.deleted) == (FINE_TUNED, "model", True)
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve(FINE_TUNED)
    assert FINE_TUNED not in [m.id for m in client.models.list()]
    with pytest.raises(openai.NotFoundError):
        client.models.delete(FINE_TUNED)
