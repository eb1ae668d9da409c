"""Replay's network guard: non-loopback sockets fail with a clear error; loopback and Unix sockets still work."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest
from openai import OpenAI

import helpers
from helpers.recording import netguard
from helpers.recording.cassette import Cassette
from helpers.recording.errors import NetworkBlockedError


@pytest.fixture()
def guard() -> Iterator[None]:
    netguard.activate("a test says so")
    yield
    netguard.deactivate()


def test_outside_connections_and_lookups_are_blocked(guard: None) -> None:
    with pytest.raises(NetworkBlockedError, match=r"203\.0\.113\.7"):
        socket.create_connection(("203.0.113.7", 443), timeout=1)
    with pytest.raises(NetworkBlockedError, match=r"example\.com"):
        socket.getaddrinfo("example.com", 443)
    with pytest.raises(NetworkBlockedError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.sendto(b"x", ("198.51.100.1", 53))


def test_reverse_lookups_are_blocked_too(guard: None) -> None:
    with pytest.raises(NetworkBlockedError, match=r"203\.0\.113\.9"):
        socket.gethostbyaddr("203.0.113.9")
    with pytest.raises(NetworkBlockedError, match=r"198\.51\.100\.4"):
        socket.getnameinfo(("198.51.100.4", 443), 0)
    socket.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)  # loopback stays open


def test_loopback_and_unix_sockets_still_work(guard: None, tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        with socket.create_connection(server.getsockname(), timeout=1):
            pass
        with socket.create_connection(("localhost", server.getsockname()[1]), timeout=1):
            pass
    path = str(tmp_path / "s.sock")
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(path)
        listener.listen()
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)


def test_another_http_client_gets_a_readable_error(guard: None) -> None:
    with pytest.raises(httpx2.ConnectError, match=r"replay mode|a test says so"):
        httpx2.get("https://example.com/", timeout=1)


def test_blocked_is_an_oserror_so_libraries_treat_it_as_a_failed_connect() -> None:
    assert issubclass(NetworkBlockedError, OSError) and issubclass(NetworkBlockedError, helpers.HarnessError)


def test_inactive_guard_blocks_nothing() -> None:
    assert not netguard.is_active()
    try:
        socket.create_connection(("203.0.113.7", 443), timeout=0.01).close()
    except NetworkBlockedError:  # pragma: no cover - the failure this test exists for
        pytest.fail("the guard blocked a connection while inactive")
    except OSError:
        pass  # unreachable or timed out: the network's answer, not the guard's


def test_replay_turns_the_guard_on_and_stop_or_live_turns_it_off(
    clean_env: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recording_client: Callable[..., tuple[OpenAI, Cassette]],
) -> None:
    client, _ = recording_client("02_files")
    client.models.list()
    helpers.start("02_files", cassettes=tmp_path / "cassettes", banner=False)
    assert netguard.is_active()
    helpers.stop()
    assert not netguard.is_active()
    helpers.start("02_files", cassettes=tmp_path / "cassettes", banner=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-test-key")
    live = helpers.start("02_files", mode="live", banner=False)
    assert not netguard.is_active()
    assert live.api_key == "sk-live-test-key"
