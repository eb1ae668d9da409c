"""The nbval run compares pictures too: a notebook whose committed plot differs from what replay draws fails."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]


def _tamper_first_picture(notebook: Path) -> None:
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                picture = Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")
                ImageDraw.Draw(picture).rectangle((0, 0, picture.width // 3, picture.height // 3), fill="red")
                buffer = io.BytesIO()
                picture.save(buffer, format="PNG")
                output["data"]["image/png"] = base64.b64encode(buffer.getvalue()).decode()
                notebook.write_text(json.dumps(nb, indent=1))
                return
    raise AssertionError(f"{notebook.name} has no picture to tamper with")


def test_a_changed_picture_fails_the_notebook_run() -> None:
    scratch = ROOT / "notebooks" / "_work" / "picture-regression"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    copy = scratch / "04_models.ipynb"
    shutil.copy(ROOT / "notebooks" / "04_models.ipynb", copy)
    _tamper_first_picture(copy)
    env = {**os.environ, "OPENAI_NOTEBOOK_MODE": "replay", "OPENAI_NOTEBOOK_CASSETTES": str(ROOT / "cassettes")}
    try:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--nbval",
                str(copy),
                "-p",
                "no:cacheprovider",
                "-q",
                "--rootdir",
                str(ROOT),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert run.returncode == 1, run.stdout[-3000:]
    assert "image 1 differs from the committed one" in run.stdout, run.stdout[-3000:]
    assert "1 failed" in run.stdout, run.stdout[-3000:]
