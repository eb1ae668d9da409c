"""The client every sandbox contract test uses."""

from __future__ import annotations

from openai import OpenAI

from helpers.sandbox_process import SandboxProcess


def strict_client(process: SandboxProcess) -> OpenAI:
    """The official client with strict response validation: a wire-format slip fails the test."""
    return OpenAI(base_url=process.base_url, api_key="sk-sandbox-test", max_retries=0, _strict_response_validation=True)
