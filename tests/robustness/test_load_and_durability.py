"""Load and durability, through the official client against one real sandbox process.

1. Load: a wave of concurrent uploads (every upload in flight at once) while a stream of embeddings requests of
   mixed sizes (1..64 inputs, short and long texts, three models, float and base64) runs beside it. No request may
   fail; afterwards every uploaded file is listed and its content has the sha256 it was sent with.
2. Durability: a second wave of uploads, and kill -9 of the sandbox once a quarter of them are acknowledged. The
   sandbox restarts on the same data dir and must start cleanly; every upload that got a 2xx is listed and whole,
   and no listed file is half-written (its content differs from what was sent, or is shorter than it says).

Quick (default): 40 uploads + 100 embeddings requests, then a 40-upload wave with one kill. Full (``--full``):
200 uploads + 1000 embeddings requests, then a 200-upload wave with one kill.
"""

from __future__ import annotations

import base64
import hashlib
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import openai
import pytest
from openai import OpenAI

if TYPE_CHECKING:
    from helpers.sandbox_process import SandboxProcess
    from tests.robustness.conftest import Figures

REQUEST_TIMEOUT = 60.0
WAVE_TIMEOUT = 600.0  # a whole wave; far beyond what it needs, so only a real hang trips it
SEED = 20261125
UPLOAD_SIZES = (1, 100, 4_096, 65_537, 1_000_003, 3_000_017)  # odd sizes: no chunk boundary lines up by luck
KILL_WAVE_SIZES = (4_096, 1_000_003, 4_000_037, 6_000_011)
EMBEDDING_BATCH_SIZES = (1, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)
EMBEDDING_MODELS = (
    ("text-embedding-3-small", None, 1536),
    ("text-embedding-3-large", None, 3072),
    ("text-embedding-3-small", 256, 256),
    ("text-embedding-ada-002", None, 1536),
)
ANCHOR = "Every acknowledged upload is still here after a crash."
_VOCABULARY = (
    "otter river stone current bank reed heron dusk lantern harbour ferry gull tide kelp shell sand dune cliff "
    "meadow hedge lane orchard cider barn swallow thunder drizzle puddle umbrella kettle biscuit marmalade"
)
WORDS = tuple(_VOCABULARY.split())


def payload(wave: str, index: int, sizes: tuple[int, ...]) -> tuple[str, bytes]:
    """The same name and bytes every time for (wave, index): what was sent can be recomputed, not kept in memory."""
    size = sizes[index % len(sizes)]
    return f"{wave}-{index:04d}.bin", random.Random(f"{wave}:{index}").randbytes(size)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_client(sandbox: SandboxProcess, *, strict: bool = True) -> OpenAI:
    """Strict validation catches wire-format slips; embeddings need it off (see embed)."""
    return OpenAI(
        base_url=sandbox.base_url,
        api_key="sk-sandbox-load",
        max_retries=0,
        timeout=REQUEST_TIMEOUT,
        _strict_response_validation=strict,
    )


@dataclass
class Outcomes:
    """What happened to each request of a wave, collected from many threads."""

    succeeded: dict[int, Any] = field(default_factory=dict)
    failed: dict[int, BaseException] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, index: int, call: Callable[[], Any]) -> None:
        started = time.perf_counter()
        try:
            result = call()
        except Exception as exc:  # every failure is kept and reported; none is retried
            with self.lock:
                self.failed[index] = exc
            return
        with self.lock:
            self.succeeded[index] = result
            self.latencies.append(time.perf_counter() - started)

    def failure_summary(self) -> str:
        kinds = Counter(f"{type(exc).__name__}: {str(exc)[:120]}" for exc in self.failed.values())
        return "; ".join(f"{count} x {kind}" for kind, count in kinds.most_common(5))


def percentile(values: Iterable[float], q: float) -> float:
    data = list(values)
    return float(np.percentile(data, q)) if data else 0.0


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def embedding_requests(count: int) -> list[dict[str, Any]]:
    """Mixed sizes (1..64 inputs); every 20th request is all long texts (300-600 words, the encoder's slowest case)."""
    rng = random.Random(SEED)
    requests = []
    for index in range(count):
        size = EMBEDDING_BATCH_SIZES[index % len(EMBEDDING_BATCH_SIZES)]
        long = index % 20 == 19
        inputs = [ANCHOR] + [text(rng, rng.randint(300, 600) if long else rng.randint(1, 14)) for _ in range(size - 1)]
        model, dimensions, length = EMBEDDING_MODELS[index % len(EMBEDDING_MODELS)]
        encoding = ("sdk-default", "float", "base64")[index % 3]
        requests.append(
            {"input": inputs, "model": model, "dimensions": dimensions, "length": length, "encoding": encoding}
        )
    return requests


def embed(client: OpenAI, request: dict[str, Any]) -> list[np.ndarray]:
    """One request, checked here. The client must not be strict: openai 3.57.0 validates the response against
    ``List[float]`` before its own base64 decoder runs, so a strict client fails on its default encoding."""
    options: dict[str, Any] = {"model": request["model"], "input": request["input"]}
    if request["dimensions"] is not None:
        options["dimensions"] = request["dimensions"]
    if request["encoding"] != "sdk-default":
        options["encoding_format"] = request["encoding"]
    response = client.embeddings.create(**options)
    assert [item.index for item in response.data] == list(range(len(request["input"])))
    vectors = []
    for item in response.data:
        raw: Any = item.embedding
        vector = np.frombuffer(base64.b64decode(raw), "<f4") if isinstance(raw, str) else np.array(raw)
        assert vector.shape == (request["length"],), f"{request['model']}: {vector.shape}"
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3
        vectors.append(vector)
    return vectors


def upload(client: OpenAI, wave: str, index: int, sizes: tuple[int, ...]) -> str:
    name, data = payload(wave, index, sizes)
    created = client.files.create(file=(name, data), purpose="user_data")
    assert (created.filename, created.bytes) == (name, len(data))
    return created.id


def resident_megabytes(sandbox: SandboxProcess) -> int | str:
    """The sandbox's resident set size (Linux only), to see whether load leaves memory behind."""
    status = Path(f"/proc/{sandbox.pid}/status")
    if not status.exists():
        return "n/a"
    for line in status.read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return "n/a"


def listed_files(client: OpenAI) -> dict[str, Any]:
    return {f.id: f for f in client.files.list(limit=10_000)}


def expected_payload(filename: str) -> tuple[str, bytes] | None:
    """What a file of ours named ``filename`` must contain, or None if the name is not one of ours."""
    stem = filename.removesuffix(".bin")
    wave, _, number = stem.rpartition("-")
    sizes = {"load": UPLOAD_SIZES, "kill": KILL_WAVE_SIZES}.get(wave)
    if sizes is None or not number.isdigit() or not filename.endswith(".bin"):
        return None
    return payload(wave, int(number), sizes)


# ---- 1. load


def test_concurrent_uploads_and_embeddings_all_succeed(
    robust_sandbox: SandboxProcess, full: bool, figures: Figures
) -> None:
    uploads_count = 200 if full else 40
    embeddings_count = 1000 if full else 100
    client, embeddings_client = make_client(robust_sandbox), make_client(robust_sandbox, strict=False)
    uploads, embeddings = Outcomes(), Outcomes()
    requests = embedding_requests(embeddings_count)

    rss_before = resident_megabytes(robust_sandbox)
    started = time.perf_counter()
    with (
        ThreadPoolExecutor(uploads_count, thread_name_prefix="upload") as upload_pool,
        ThreadPoolExecutor(8, thread_name_prefix="embed") as embed_pool,
    ):
        upload_jobs = [
            upload_pool.submit(uploads.run, i, partial(upload, client, "load", i, UPLOAD_SIZES))
            for i in range(uploads_count)
        ]
        embed_jobs = [
            embed_pool.submit(embeddings.run, i, partial(embed, embeddings_client, r)) for i, r in enumerate(requests)
        ]
        for job in [*upload_jobs, *embed_jobs]:
            job.result(timeout=WAVE_TIMEOUT)
    duration = time.perf_counter() - started

    figures.set("load", "uploads ok / sent", f"{len(uploads.succeeded)} / {uploads_count}")
    figures.set("load", "embedding requests ok / sent", f"{len(embeddings.succeeded)} / {embeddings_count}")
    figures.set("load", "embedding inputs sent", sum(len(r["input"]) for r in requests))
    figures.set("load", "errors", len(uploads.failed) + len(embeddings.failed))
    figures.set("load", "upload latency p50 / p95 / max (s)", _spread(uploads.latencies))
    figures.set("load", "embeddings latency p50 / p95 / max (s)", _spread(embeddings.latencies))
    figures.set("load", "duration (s)", duration)
    figures.set(
        "load", "sandbox resident memory before / after (MB)", f"{rss_before} / {resident_megabytes(robust_sandbox)}"
    )
    assert not uploads.failed, f"{len(uploads.failed)} uploads failed: {uploads.failure_summary()}"
    assert not embeddings.failed, f"{len(embeddings.failed)} embeddings failed: {embeddings.failure_summary()}"

    # The same text must give the same vector whatever batch it was in (within float noise).
    anchors: dict[str, list[np.ndarray]] = {}
    for index, vectors in embeddings.succeeded.items():
        key = f"{requests[index]['model']}/{requests[index]['dimensions']}"
        anchors.setdefault(key, []).append(vectors[0])
    for key, vectors in anchors.items():
        spread = min(float(np.dot(vectors[0], v)) for v in vectors)
        assert spread > 0.9999, f"{key}: the anchor text's vector changed across requests (cosine {spread})"

    listed = listed_files(client)
    lost = [i for i, file_id in uploads.succeeded.items() if file_id not in listed]
    damaged = []
    for index, file_id in uploads.succeeded.items():
        _, data = payload("load", index, UPLOAD_SIZES)
        if file_id in listed and sha256(client.files.content(file_id).content) != sha256(data):
            damaged.append(index)
    figures.set("load", "files lost", len(lost))
    figures.set("load", "files damaged", len(damaged))
    assert not lost, f"uploads acknowledged but not listed: {lost}"
    assert not damaged, f"uploads whose content changed: {damaged}"


def _spread(latencies: list[float]) -> str:
    return " / ".join(f"{percentile(latencies, q):.2f}" for q in (50, 95, 100))


# ---- 2. durability


def test_kill_9_during_uploads_loses_nothing_acknowledged(
    robust_sandbox: SandboxProcess, full: bool, figures: Figures
) -> None:
    wave_size = 200 if full else 40
    kill_after = wave_size // 4
    client = make_client(robust_sandbox)
    outcomes = Outcomes()
    enough = threading.Event()

    def upload_and_count(index: int) -> str:
        file_id = upload(client, "kill", index, KILL_WAVE_SIZES)
        if len(outcomes.succeeded) + 1 >= kill_after:
            enough.set()
        return file_id

    with ThreadPoolExecutor(wave_size, thread_name_prefix="kill-wave") as pool:
        jobs = [pool.submit(outcomes.run, i, partial(upload_and_count, i)) for i in range(wave_size)]
        assert enough.wait(WAVE_TIMEOUT), "the upload wave never got going"
        robust_sandbox.kill()  # SIGKILL: no shutdown handler, no flush, no cleanup
        acknowledged_at_kill = len(outcomes.succeeded)
        for job in jobs:
            job.result(timeout=WAVE_TIMEOUT)

    acknowledged = dict(outcomes.succeeded)
    cut_off = wave_size - len(acknowledged)
    figures.set("durability", "uploads sent in the wave", wave_size)
    figures.set("durability", "acknowledged (2xx) before the kill", len(acknowledged))
    figures.set("durability", "cut off by the kill", cut_off)
    assert acknowledged_at_kill >= kill_after
    assert cut_off > 0, "every upload finished before the kill; the wave was too small to test anything"
    unexpected = [e for e in outcomes.failed.values() if not isinstance(e, openai.APIConnectionError)]
    assert not unexpected, f"failures other than the cut connection: {unexpected[:3]}"

    restarted = time.perf_counter()
    robust_sandbox.start()
    figures.set("durability", "restart (s)", time.perf_counter() - restarted)

    listed = listed_files(client)
    lost = sorted(i for i, file_id in acknowledged.items() if file_id not in listed)
    half_written, wrong_size = [], []
    for file_id, meta in listed.items():
        content = client.files.content(file_id).content
        if len(content) != meta.bytes:
            wrong_size.append(file_id)
        expected = expected_payload(meta.filename)
        if expected is not None and (meta.bytes != len(expected[1]) or sha256(content) != sha256(expected[1])):
            half_written.append(meta.filename)
    unacknowledged_but_kept = sum(
        1 for f in listed.values() if f.filename.startswith("kill-") and f.id not in acknowledged.values()
    )
    store = robust_sandbox.data_dir / "files"
    leftovers = sorted(p.name for p in (store / "tmp").iterdir())
    orphans = sorted(p.name for p in (store / "blobs").iterdir() if p.name not in listed)

    figures.set("durability", "files lost (expected 0)", len(lost))
    figures.set("durability", "half-written files listed (expected 0)", len(half_written) + len(wrong_size))
    figures.set("durability", "unacknowledged uploads kept whole", unacknowledged_but_kept)
    figures.set("durability", "temp files / orphan blobs after restart", f"{len(leftovers)} / {len(orphans)}")
    assert not lost, f"acknowledged uploads missing after the restart: {lost}"
    assert not half_written, f"listed files whose content is not what was sent: {half_written}"
    assert not wrong_size, f"listed files whose content length differs from their `bytes`: {wrong_size}"
    assert not leftovers and not orphans, f"start-up left temp files {leftovers} or orphan blobs {orphans}"
    problems = [line for line in robust_sandbox.stderr_tail if "Traceback" in line or "ERROR" in line]
    assert not problems, f"the restarted sandbox logged errors: {problems[:5]}"


@pytest.fixture(autouse=True)
def _sandbox_is_up(robust_sandbox: SandboxProcess) -> None:
    """A test that died between kill and restart must not leave the next one a dead sandbox."""
    if robust_sandbox.process is None or robust_sandbox.process.poll() is not None:
        robust_sandbox.start()
