#!/usr/bin/env python3
"""Build the Korean notebooks (notebooks/ko/NAME.ipynb) from the English ones and committed translations.

    scripts/translate_notebooks.py build [NAMES...]      # write notebooks/ko/NAME.ipynb, outputs empty
    scripts/translate_notebooks.py check [NAMES...]      # exit 1 if a translation is stale, missing or extra
    scripts/translate_notebooks.py skeleton NAME         # start notebooks/ko/_translations/NAME.yaml (English text)
    scripts/translate_notebooks.py stamp NAME CELL_ID... # after updating those cells' Korean: accept today's English

A translation file, notebooks/ko/_translations/NAME.yaml, holds one entry per English cell, in order:

    cells:
    - id: intro                  # the English cell's id; the Korean twin gets the same id
      source_sha256: 3f2a...     # sha256 of the English cell source this Korean text translates
      ko: |                      # the Korean source; left out for a code cell that stays exactly as in English
        # 01 · 임베딩

Each built cell records ``metadata.translation = {"from": "en", "source_sha256": ...}``, so a test can tell when
an English cell changed and its translation did not. Outputs come only from running the Korean notebook
(``python -m helpers record NAME`` replays it against the English notebook's fresh cassette).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "notebooks"
LANGUAGE = "ko"
KOREAN = ENGLISH / LANGUAGE
TRANSLATIONS = KOREAN / "_translations"


def source_of(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_notebook(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def read_translation(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise SystemExit(f"{path}: no `cells:` list")
    return cells


def translate(english: dict[str, Any], entries: Sequence[dict[str, Any]], name: str) -> dict[str, Any]:
    """The Korean notebook: the English one with each cell's source replaced, outputs emptied, hashes recorded."""
    by_id = {str(entry["id"]): entry for entry in entries}
    english_ids = [str(cell.get("id")) for cell in english["cells"]]
    extra = [cell_id for cell_id in by_id if cell_id not in english_ids]
    missing = [cell_id for cell_id in english_ids if cell_id not in by_id]
    if extra or missing:
        raise SystemExit(f"{name}: translation cells missing {missing}, not in English {extra}")
    korean = copy.deepcopy(english)
    korean["metadata"]["translation"] = {"from": "en", "language": LANGUAGE, "source_notebook": f"../{name}.ipynb"}
    for cell in korean["cells"]:
        entry = by_id[str(cell["id"])]
        text = source_of(cell)
        if entry.get("source_sha256") != sha256(text):
            raise SystemExit(
                f"{name}: cell {cell['id']!r} changed in English since it was translated: update its Korean, then "
                f"`scripts/translate_notebooks.py stamp {name} {cell['id']}`"
            )
        ko = entry.get("ko")
        if ko is None and cell["cell_type"] != "code":
            raise SystemExit(f"{name}: markdown cell {cell['id']!r} has no Korean text")
        cell["source"] = text if ko is None else str(ko).rstrip("\n")
        cell["metadata"] = {**cell.get("metadata", {}), "translation": {"from": "en", "source_sha256": sha256(text)}}
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return korean


def staleness_problems(english: dict[str, Any], korean: dict[str, Any]) -> list[str]:
    """Why the Korean notebook no longer matches the English one (empty when it is current).

    Every English cell needs a Korean twin with the same id, in the same order and of the same type, whose
    recorded ``source_sha256`` is the hash of the English cell's current source; no Korean cell may lack a twin.
    """
    problems = []
    english_cells = {str(c.get("id")): c for c in english["cells"]}
    korean_ids = [str(c.get("id")) for c in korean["cells"]]
    english_ids = list(english_cells)
    for cell_id in english_ids:
        if cell_id not in korean_ids:
            problems.append(f"English cell {cell_id!r} has no Korean twin")
    for cell_id in korean_ids:
        if cell_id not in english_cells:
            problems.append(f"Korean cell {cell_id!r} has no English twin")
    if not problems and korean_ids != english_ids:
        problems.append(f"cells in another order: {korean_ids} != {english_ids}")
    for cell in korean["cells"]:
        twin = english_cells.get(str(cell.get("id")))
        if twin is None:
            continue
        if cell["cell_type"] != twin["cell_type"]:
            problems.append(f"cell {cell['id']!r} is {cell['cell_type']} in Korean, {twin['cell_type']} in English")
        recorded = cell.get("metadata", {}).get("translation", {}).get("source_sha256")
        if recorded != sha256(source_of(twin)):
            problems.append(
                f"cell {cell['id']!r}: translates an English source with sha256 {str(recorded)[:12]}…, the English "
                f"cell is now {sha256(source_of(twin))[:12]}… (update the translation and stamp it)"
            )
    return problems


def write_notebook(notebook: dict[str, Any], path: Path) -> None:
    """In nbformat's layout (indent 1, sorted keys, non-ASCII kept), as `python -m helpers record` writes it."""
    import nbformat

    node = nbformat.from_dict(notebook)  # type: ignore[no-untyped-call]
    nbformat.validate(node)
    text = nbformat.writes(node)  # type: ignore[no-untyped-call]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


class _Literal(str):
    pass


def _dump(entries: list[dict[str, Any]]) -> str:
    class Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML ships no types
        pass

    def literal(dumper: yaml.SafeDumper, value: _Literal) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|")

    Dumper.add_representer(_Literal, literal)
    shaped = [
        {k: _Literal(v) if k == "ko" and "\n" in v else v for k, v in entry.items() if v is not None}
        for entry in entries
    ]
    return str(yaml.dump({"cells": shaped}, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120))


def names_for(given: Sequence[str]) -> list[str]:
    if given:
        return [Path(name).stem for name in given]
    return sorted(p.stem for p in TRANSLATIONS.glob("*.yaml"))


def command_build(names: Sequence[str]) -> int:
    for name in names_for(names):
        english = read_notebook(ENGLISH / f"{name}.ipynb")
        korean = translate(english, read_translation(TRANSLATIONS / f"{name}.yaml"), name)
        write_notebook(korean, KOREAN / f"{name}.ipynb")
        print(f"wrote {(KOREAN / f'{name}.ipynb').relative_to(ROOT)} (outputs empty: record it to fill them)")
    return 0


def command_check(names: Sequence[str]) -> int:
    status = 0
    for name in names_for(names) if names else sorted(p.stem for p in ENGLISH.glob("[0-9]*.ipynb")):
        korean_path = KOREAN / f"{name}.ipynb"
        if not korean_path.is_file():
            print(f"{name}: no Korean notebook")
            status = 1
            continue
        problems = staleness_problems(read_notebook(ENGLISH / f"{name}.ipynb"), read_notebook(korean_path))
        for problem in problems:
            print(f"{name}: {problem}")
        status |= bool(problems)
    return status


def command_skeleton(name: str) -> int:
    target = TRANSLATIONS / f"{name}.yaml"
    if target.exists():
        raise SystemExit(f"{target} exists; edit it instead")
    cells = read_notebook(ENGLISH / f"{name}.ipynb")["cells"]
    entries = [{"id": c["id"], "source_sha256": sha256(source_of(c)), "ko": source_of(c)} for c in cells]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(_dump(entries), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}: replace each `ko:` with its Korean")
    return 0


def command_stamp(name: str, cell_ids: Sequence[str]) -> int:
    path = TRANSLATIONS / f"{name}.yaml"
    entries = read_translation(path)
    english = {str(c["id"]): source_of(c) for c in read_notebook(ENGLISH / f"{name}.ipynb")["cells"]}
    for cell_id in cell_ids:
        entry = next((e for e in entries if str(e["id"]) == cell_id), None)
        if entry is None or cell_id not in english:
            raise SystemExit(f"{name}: no cell {cell_id!r} in both the translation and the English notebook")
        entry["source_sha256"] = sha256(english[cell_id])
    path.write_text(_dump(entries), encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("build", "check"):
        commands.add_parser(name).add_argument("names", nargs="*")
    commands.add_parser("skeleton").add_argument("name")
    stamp = commands.add_parser("stamp")
    stamp.add_argument("name")
    stamp.add_argument("cells", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "build":
        return command_build(args.names)
    if args.command == "check":
        return command_check(args.names)
    if args.command == "skeleton":
        return command_skeleton(args.name)
    return command_stamp(args.name, args.cells)


if __name__ == "__main__":
    sys.exit(main())
