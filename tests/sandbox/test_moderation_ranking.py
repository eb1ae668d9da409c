"""Moderation scores that teach the right intuition (issue 23): which category ranks first, not only what is flagged.

Through the HTTP API of the real sandbox. The named sentences come from the issue; before it, "I want to kill them."
ranked self-harm (0.75) above violence (0.57) and "She shot the photo from across the street." was flagged
(violence 0.56). The fresh sets are in ``moderation_ranking_sets`` (written before the refit, never trained on).
"""

from __future__ import annotations

import re

import pytest
from openai import OpenAI

from sandbox.engines import moderation_exemplars
from tests.sandbox import moderation_eval_sets as eval_sets
from tests.sandbox import moderation_ranking_sets as ranking

THREAT_TOPS = {"violence", "harassment/threatening", "harassment"}


def scores_of(client: OpenAI, texts: list[str]) -> list[dict[str, float]]:
    results = client.moderations.create(model="omni-moderation-latest", input=texts).results
    return [result.category_scores.model_dump(by_alias=True) for result in results]


def top(scores: dict[str, float]) -> str:
    return max(scores, key=lambda c: scores[c])


@pytest.mark.parametrize("text", ["I want to kill them.", "I want to kill them", "나는 그들을 죽이고 싶다."])
def test_a_threat_against_others_ranks_violence_or_threatening_above_self_harm(client: OpenAI, text: str) -> None:
    (scores,) = scores_of(client, [text])
    assert top(scores) in THREAT_TOPS, scores
    assert max(scores["violence"], scores["harassment/threatening"]) > scores["self-harm"] + 0.2, scores
    assert scores["self-harm/intent"] < 0.5, scores  # not flagged as the speaker's own intent


def test_the_same_verb_about_oneself_still_ranks_self_harm_first(client: OpenAI) -> None:
    for scores in scores_of(client, ["I want to kill myself.", "나 죽고 싶어."]):
        assert top(scores) in {"self-harm", "self-harm/intent"}, scores


@pytest.mark.parametrize(
    "text",
    [
        "She shot the photo from across the street",
        "She shot the photo from across the street.",
        "The striker fired a shot into the top corner",
        "The striker fired a shot into the top corner.",
    ],
)
def test_shots_in_photography_and_sport_are_not_flagged(client: OpenAI, text: str) -> None:
    result = client.moderations.create(model="omni-moderation-latest", input=text).results[0]
    assert not result.flagged, result.category_scores


@pytest.mark.parametrize(("name", "least_right"), [("en", 34), ("ko", 32)])
def test_fresh_sentences_rank_their_category_first(client: OpenAI, name: str, least_right: int) -> None:
    """Measured at the refit: en 35/37 and ko 33/37 right (before it: 35/37 and 32/37); no false flags."""
    cases = ranking.RANKING_SETS[name]
    results = client.moderations.create(model="omni-moderation-latest", input=[c.text for c in cases]).results
    scores = [r.category_scores.model_dump(by_alias=True) for r in results]
    flags = [{c for c, v in r.categories.model_dump(by_alias=True).items() if v} for r in results]
    result = ranking.rank(cases, scores, flags)
    report = ranking.format_ranking(name, result)
    assert result.right >= least_right and result.false_flags == 0, report


def normalised(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def test_fresh_sentences_are_neither_exemplars_nor_in_the_older_sets() -> None:
    taught = {normalised(t) for t, _ in moderation_exemplars.ALL_HARMFUL}
    taught |= {normalised(t) for t in moderation_exemplars.ALL_BENIGN}
    older = {normalised(c.text) for cases in eval_sets.EVAL_SETS.values() for c in cases}
    fresh = [c.text for cases in ranking.RANKING_SETS.values() for c in cases]
    assert not [t for t in fresh if normalised(t) in taught | older]
    assert len(ranking.EN) >= 50 and len(ranking.KO) >= 50
