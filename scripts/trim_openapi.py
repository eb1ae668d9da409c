"""Write the trimmed OpenAPI spec the conformance fuzzing uses: only the five endpoint groups we teach.

    .venv/bin/python scripts/trim_openapi.py [SOURCE] [DEST]

SOURCE defaults to ../shared/openapi/openai-openapi.yaml (read-only, outside the repo); DEST to
tests/robustness/openapi-subset.json. Every component the kept paths reference, directly or not, comes along.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "openapi" / "openai-openapi.yaml"
DEST = ROOT / "tests" / "robustness" / "openapi-subset.json"
KEPT_PATHS = (
    "/embeddings",
    "/files",
    "/files/{file_id}",
    "/files/{file_id}/content",
    "/images/edits",
    "/images/generations",
    "/images/variations",
    "/models",
    "/models/{model}",
    "/moderations",
)


def references(node: Any) -> set[str]:
    """Every ``#/components/...`` reference anywhere below ``node``."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            found |= references(value)
    elif isinstance(node, list):
        for value in node:
            found |= references(value)
    return found


def resolve(spec: dict[str, Any], ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def trim(spec: dict[str, Any]) -> dict[str, Any]:
    paths = {path: spec["paths"][path] for path in KEPT_PATHS}
    pending, seen = references(paths), set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        pending |= references(resolve(spec, ref)) - seen
    components: dict[str, dict[str, Any]] = {}
    for ref in sorted(seen):
        _, _, section, name = ref.split("/", 3)
        components.setdefault(section, {})[name] = resolve(spec, ref)
    components.setdefault("securitySchemes", {}).update(spec["components"].get("securitySchemes", {}))
    return {
        "openapi": spec["openapi"],
        "info": {**spec["info"], "description": "Trimmed by scripts/trim_openapi.py: five endpoint groups only."},
        "servers": spec.get("servers", []),
        "security": spec.get("security", []),
        "paths": paths,
        "components": components,
    }


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    dest = Path(argv[2]) if len(argv) > 2 else DEST
    spec = yaml.safe_load(source.read_text())
    trimmed = trim(spec)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n")
    count = sum(len(v) for v in trimmed["components"].values())
    print(f"wrote {dest.relative_to(ROOT)}: {len(trimmed['paths'])} paths, {count} components")


if __name__ == "__main__":
    main(sys.argv)
