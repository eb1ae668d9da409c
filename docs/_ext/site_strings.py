"""The words the site's own code writes into pages, in each of the site's languages.

The guide pages are translated with gettext catalogs (docs/locales/); these strings are not in any source document
(the notebook page's top box, the API index's generated lines, the site-wide note, the language switcher), so
gettext cannot see them. One table keeps every language of each string side by side; a test checks that no
language lacks a key.
"""

from __future__ import annotations

DEFAULT_LANGUAGE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "language_name": "English",
        "site_title": "OpenAI Endpoint Notebooks",
        "switch_label": "Read this page in English",
        "site_note": (
            "Numbers and images in these notebooks come from a local practice server (the sandbox), not from "
            "OpenAI's models, unless the note at the top of a notebook says otherwise."
        ),
        "download": "Download this notebook (.ipynb)",
        "view_source": "View its source",
        "view_cassette": "View its recording (the HTTP it replays)",
        "run_yourself": (
            "<strong>Run it yourself</strong> — no API key needed: the notebook replays its recordings. Clone the "
            "repository and open JupyterLab (the first run sets up <code>.venv</code>):"
        ),
        "then_open": "then open <code>{path}</code> in JupyterLab. {link} explains the modes.",
        "getting_started": "Getting started",
        "untranslated": "",
        "full_size": "Open the picture full size",
        "sends": " sends ",
        # The front door: the home's cards, the project archive, the footer.
        "minutes_to_read": "{minutes} min read",
        "download_project": "Download the whole project (.tar.gz)",
        "run_from_archive": (
            "<strong>Run it yourself</strong> — no API key needed: the notebook replays its recordings. Download the "
            "whole project, unpack it and start JupyterLab (the first run installs what it needs into "
            "<code>.venv</code>):"
        ),
        "or_clone": "Or, with git:",
        "build_stamp": "Built on {date} from commit {commit}.",
        "site_description": (
            "Learn the OpenAI API's Embeddings, Files, Images, Models and Moderations endpoints in Python: six short "
            "Jupyter notebooks with their outputs, runnable with no API key."
        ),
    },
    "ko": {
        "language_name": "한국어",
        "site_title": "OpenAI 엔드포인트 노트북",
        "switch_label": "이 페이지를 한국어로 보기",
        "site_note": (
            "노트북 맨 위의 안내에 따로 적혀 있지 않다면, 이 노트북의 숫자와 이미지는 OpenAI의 모델이 아니라 "
            "로컬 연습 서버(샌드박스)에서 나온 것입니다."
        ),
        "download": "이 노트북 내려받기 (.ipynb)",
        "view_source": "소스 보기",
        "view_cassette": "녹화 보기 (재생하는 HTTP)",
        "run_yourself": (
            "<strong>직접 실행하기</strong> — API 키가 필요 없습니다. 노트북이 녹화된 응답을 재생합니다. "
            "저장소를 클론하고 JupyterLab을 여세요 (처음 실행할 때 <code>.venv</code>를 만듭니다):"
        ),
        "then_open": "그다음 JupyterLab에서 <code>{path}</code>을(를) 여세요. 모드는 {link}에서 설명합니다.",
        "getting_started": "시작하기",
        "untranslated": ("이 노트북은 아직 한국어로 번역되지 않았습니다. 아래 본문과 출력은 영어 원문 그대로입니다."),
        "full_size": "그림을 원래 크기로 열기",
        "sends": " → ",
        # The front door: the home's cards, the project archive, the footer.
        "minutes_to_read": "읽는 데 약 {minutes}분",
        "download_project": "프로젝트 전체 내려받기 (.tar.gz)",
        "run_from_archive": (
            "<strong>직접 실행하기</strong> — API 키가 필요 없습니다. 노트북이 녹화된 응답을 재생합니다. 프로젝트 "
            "전체를 내려받아 압축을 풀고 JupyterLab을 여세요 (처음 실행할 때 필요한 것을 <code>.venv</code>에 "
            "설치합니다):"
        ),
        "or_clone": "git을 쓴다면:",
        "build_stamp": "{date}에 커밋 {commit}에서 빌드했습니다.",
        "site_description": (
            "OpenAI API의 임베딩, 파일, 이미지, 모델, 모더레이션 엔드포인트를 Python으로 배웁니다. 출력이 담긴 짧은 "
            "Jupyter 노트북 여섯 개로, API 키 없이 실행할 수 있습니다."
        ),
    },
}


def text(language: str | None, key: str) -> str:
    """`key` in `language`, or in the default language when the site has no strings for that language."""
    table = STRINGS.get(language or DEFAULT_LANGUAGE, STRINGS[DEFAULT_LANGUAGE])
    return table[key]
