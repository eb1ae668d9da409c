"""The cassette header, ``recorded_with``: where, when and with what the responses were recorded.

The banner shows only this. vcrpy carries it as cassette metadata (``Cassette.get_metadata``); the persister
writes it at the top of the file.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from helpers.recording.errors import CassetteFormatError
from helpers.recording.interactions import RecordedResponse

SANDBOX_HEADER = "x-sandbox"
STAND_IN_HEADER = "x-sandbox-stand-in"
NEVER_RECORDED = "never"  # recorded_on of an empty stand-in cassette (explore mode, notebook without a recording)
METADATA_KEY = "recorded_with"
OPENAI_API_HOST = "api.openai.com"
OPENAI_API_HOSTS = frozenset({OPENAI_API_HOST})  # a recording is OpenAI's only when made against these


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost" or host.lower().endswith(".localhost")


@dataclass
class RecordingInfo:
    notebook: str
    recorded_on: str
    sdk: str
    target: str | None = None  # "openai", "sandbox" or "other"; None until the first response
    server: str | None = None  # the sandbox's x-sandbox header
    stand_ins: list[str] = field(default_factory=list)
    host: str | None = None  # the host the recording called (the transport knows it); kept only if not OpenAI's

    def copy(self) -> RecordingInfo:
        return RecordingInfo(**{**self.__dict__, "stand_ins": list(self.stand_ins)})

    def called(self, host: str) -> None:
        """The recording transport names the host it sends to (loopback is written as "localhost", no address)."""
        if self.host is None:
            self.host = "localhost" if _is_loopback(host) else host.lower()

    def learn_from(self, response: RecordedResponse) -> None:
        server = response.header(SANDBOX_HEADER)
        if server is not None:
            self.target, self.server = "sandbox", self.server or server
        elif self.target is None:  # no x-sandbox header: OpenAI only if that is the host that answered
            self.target = "openai" if self.host in OPENAI_API_HOSTS else "other"
        stand_in = response.header(STAND_IN_HEADER)
        if stand_in and stand_in not in self.stand_ins:
            self.stand_ins.append(stand_in)

    def to_yaml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"notebook": self.notebook, "recorded_on": self.recorded_on, "sdk": self.sdk}
        data["target"] = self.target
        if self.server is not None:
            data["server"] = self.server
        if self.stand_ins:
            data["stand_ins"] = list(self.stand_ins)
        if self.target == "other" and self.host is not None:
            data["host"] = self.host
        return data

    @classmethod
    def from_yaml(cls, data: Any, notebook: str) -> RecordingInfo:
        if not isinstance(data, dict):
            raise CassetteFormatError("it has no 'recorded_with' header")
        stand_ins = data.get("stand_ins") or []
        if not isinstance(stand_ins, list):
            raise CassetteFormatError("'recorded_with.stand_ins' is not a list")
        return cls(
            notebook=str(data.get("notebook", notebook)),
            recorded_on=str(data.get("recorded_on", "an unknown date")),
            sdk=str(data.get("sdk", "an unknown SDK version")),
            target=data.get("target"),
            server=data.get("server"),
            stand_ins=[str(s) for s in stand_ins],
            host=None if data.get("host") is None else str(data["host"]),
        )
