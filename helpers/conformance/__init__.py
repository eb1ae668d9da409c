"""Conformance: run every notebook live against an OpenAI-compatible server and compare it with a reference.

``python -m helpers.conformance --base-url URL [--api-key KEY] [--reference DIR]`` (or ``make conformance``):

- ``run``: executes copies of the notebooks in record mode against the server, every cell even after a failing
  one, recording into a scratch cassette folder (committed notebooks and cassettes are never touched);
- ``exchanges``: reads recordings back as exchanges tagged with notebook and cell, and pairs each with the
  reference recording's exchange for the same call;
- ``shapes``: structural differences between two JSON bodies (fields missing, extra, retyped; list lengths; id
  prefixes);
- ``checks``: per exchange against its reference: status, SDK exception class, error envelope, SDK parsing;
- ``invariants``: what must hold whatever the reference (one output per input, ``dimensions``, base64 that
  decodes, ids that round-trip, 404 for deleted ids, OpenAI's status codes);
- ``verdict``: findings grouped by root cause, so a cascade is reported once, at its root;
- ``report``: the per-request table, the per-endpoint-group summary, as text and Markdown.
"""
