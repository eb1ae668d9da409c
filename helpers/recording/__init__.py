"""The record/replay engine: vcrpy's ``Cassette`` plus our plug-ins, one module per vcrpy plug-in point.

- ``matchers``: ``VCR.register_matcher`` (JSON as data, multipart part by part, boundary-free);
- ``filters``: ``before_record_request`` / ``before_record_response`` (scrubbing) and the secret guard;
- ``persister``: ``VCR.register_persister`` (YAML layout, side files, atomic writes, the ``recorded_with`` header);
- ``transport``: the explicit httpx2 transport that drives a ``vcr.cassette.Cassette`` (no global patching);
- ``cassette``: one notebook's cassette, with what vcrpy lacks (per-request saves, per-cell order, miss messages);
- ``events``: listeners for every exchange; ``library``: ``helpers.vcr``; ``errors``: the harness's exceptions.

Importing this package imports nothing heavy; vcrpy is imported by the modules that use it.
"""
