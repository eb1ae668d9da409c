"""The label under an image cell says in words what the sandbox drew (its x-sandbox-drawn header), in both languages."""

from __future__ import annotations

from helpers.banner import drawn_words, live_answer_html, live_answer_text
from helpers.recording.interactions import JsonBody
from helpers.wire import Exchange, render_html, render_text

OTTER = "U+1F9A6 otter, U+1F9D1 U+200D U+1F680 astronaut x2"


def picture(drawn: str | None, source: str = "cassette") -> Exchange:
    return Exchange(
        "POST",
        "/v1/images/generations",
        200,
        JsonBody({"model": "gpt-image-2", "prompt": "An otter and two astronauts"}),
        "application/json",
        JsonBody({"data": []}),
        "application/json",
        source=source,
        drawn=drawn,
    )


def test_the_header_becomes_emoji_and_words() -> None:
    assert drawn_words(OTTER, "en") == (
        "the sandbox drew 🦦 otter, 🧑\u200d🚀 astronaut x2 (emoji artwork picked from the prompt's words)"
    )
    assert drawn_words(OTTER, "ko").startswith("샌드박스가 그린 것: 🦦 otter, 🧑\u200d🚀 astronaut x2")
    assert drawn_words("none", "en") == "the sandbox found nothing in the prompt to draw and painted the scene alone"
    assert drawn_words("none", "ko") == "샌드박스가 프롬프트에서 그릴 대상을 찾지 못해 배경만 그렸습니다"
    assert drawn_words(None, "en") is None  # OpenAI's answers (and every non-image answer) carry no such header


def test_the_wire_view_of_a_recorded_picture_says_what_was_drawn() -> None:
    assert render_text([picture("U+1F9A6 otter")], "en").startswith(
        "HTTP: POST /v1/images/generations → 200 (the sandbox drew 🦦 otter (emoji artwork"
    )
    assert "샌드박스가 그린 것: 🦦 otter" in render_html([picture("U+1F9A6 otter")], "ko")
    live = render_text([picture("none", "sandbox")], "en")
    assert "(live answer from the local sandbox; the sandbox found nothing in the prompt to draw" in live
    assert "drew" not in render_text([picture(None)], "en")


def test_the_live_answer_label_says_what_was_drawn() -> None:
    english = live_answer_text("POST", "/v1/images/edits", 200, "painter", "en", drawn="U+1F452 woman's hat")
    assert english.endswith("Computed by: painter. The sandbox drew 👒 woman's hat (emoji artwork picked from the "
                            "prompt's words).")  # fmt: skip
    korean = live_answer_html("POST", "/v1/images/edits", 200, "painter", "ko", drawn="U+1F452 woman's hat")
    assert "샌드박스가 그린 것: 👒 woman&#x27;s hat" in korean
