"""Replay's network guard: while active, Python-level sockets may reach only loopback and Unix sockets.

Why this shape:
- It is a ``sys.addaudithook`` hook, not a monkeypatch: it sees ``socket.connect`` (which ``create_connection``,
  ``connect_ex`` and asyncio all go through), ``sendto``/``sendmsg`` and name lookups, whatever library calls them.
- Loopback stays open because the Jupyter kernel itself and tools like the debugger (debugpy) talk over
  127.0.0.1; the kernel's ZeroMQ channels are C sockets and never pass through here anyway.
- Audit hooks cannot be removed, so the hook is installed once and switched on and off with a flag.
- Reverse lookups (``gethostbyaddr``, ``getnameinfo``) are name-service traffic too and are blocked the same way.
The cassette transport never opens a connection in replay in the first place; this catches everything else
(another HTTP client in a notebook, a library phoning home). What it cannot see: sockets opened by C extensions
without going through Python's ``socket`` module, and child processes (each has its own interpreter) — in the
tests, a network namespace with only loopback (scripts/test.sh) covers those.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from typing import Any

from helpers.recording.errors import NetworkBlockedError

_LOOKUP_EVENTS = frozenset(
    {"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"}
)
_REVERSE_EVENT = "socket.getnameinfo"  # its argument is an address tuple, not a host
_ADDRESS_EVENTS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg"})

_state = threading.local()
_lock = threading.Lock()
_installed = False
_active_reason: str | None = None


def is_loopback_host(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", errors="replace")
    if host is None or host == "":
        return True  # getaddrinfo(None, port): the local host
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _allowed_address(sock: Any, address: Any) -> bool:
    family = getattr(sock, "family", None)
    if family is not None and family not in (socket.AF_INET, socket.AF_INET6):
        return True  # AF_UNIX, netlink, ...: not network
    if isinstance(address, tuple) and address:
        return is_loopback_host(address[0])
    return address is None


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _active_reason is None or not event.startswith("socket.") or getattr(_state, "inside", False):
        return
    if event in _ADDRESS_EVENTS:
        sock, address = args[0], args[1] if len(args) > 1 else None
        allowed = _allowed_address(sock, address)
        target = address
    elif event in _LOOKUP_EVENTS:
        allowed, target = is_loopback_host(args[0]), args[0]
    elif event == _REVERSE_EVENT:
        address = args[0]
        target = address[0] if isinstance(address, tuple) and address else address
        allowed = is_loopback_host(target)
    else:
        return
    if not allowed:
        _state.inside = True  # building the message must not recurse into the hook
        try:
            error = NetworkBlockedError(
                f"network access to {target!r} blocked: {_active_reason}. Replay mode reads responses from the "
                "cassette and never uses the network; set OPENAI_NOTEBOOK_MODE=live (or record) to make real calls."
            )
        finally:
            _state.inside = False
        raise error


def activate(reason: str) -> None:
    """Block non-loopback sockets in this process until ``deactivate()``."""
    global _installed, _active_reason
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        _active_reason = reason


def deactivate() -> None:
    global _active_reason
    with _lock:
        _active_reason = None


def is_active() -> bool:
    return _active_reason is not None
