"""Listeners for every exchange the notebook client makes (for a "wire view"): what was asked, what came back.

``on_exchange(callback)`` registers ``callback(request, response, source)``; both are scrubbed (no key, no account
id, canonical URI) and ``source`` says who answered: ``"cassette"`` (replayed), ``"recorded"`` (the server, and the
exchange was just saved), ``"sandbox"`` (the learner's mode sent a request with no recording to the local sandbox)
or ``"live"`` (live mode: nothing recorded, and a streamed body is not shown).
Nothing is converted unless a listener is registered.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import Literal, TypeAlias

from helpers.recording.interactions import RecordedRequest, RecordedResponse

Source: TypeAlias = Literal["cassette", "recorded", "sandbox", "live"]
ExchangeListener: TypeAlias = Callable[[RecordedRequest, RecordedResponse, Source], None]

_listeners: list[ExchangeListener] = []
_lock = threading.Lock()


def on_exchange(callback: ExchangeListener) -> Callable[[], None]:
    """Call ``callback`` for every exchange from now on; returns a function that unregisters it."""
    with _lock:
        _listeners.append(callback)

    def remove() -> None:
        with _lock:
            if callback in _listeners:
                _listeners.remove(callback)

    return remove


def active() -> bool:
    return bool(_listeners)


def emit(request: Callable[[], RecordedRequest], response: Callable[[], RecordedResponse], source: Source) -> None:
    """Called by the transport with thunks, so an exchange nobody listens to costs nothing."""
    with _lock:
        listeners = list(_listeners)
    if not listeners:
        return
    seen_request, seen_response = request(), response()
    for listener in listeners:
        try:
            listener(seen_request, seen_response, source)
        except Exception as exc:  # a viewer must never break the notebook's call
            warnings.warn(f"an exchange listener failed: {exc!r}", RuntimeWarning, stacklevel=2)
