"""Readable tables (pandas DataFrames) from SDK objects: files, models, rankings, moderation scores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd


def utc_date(timestamp: int | None) -> str:
    """Unix seconds as an ISO UTC date-time (what a person reads in a table)."""
    if timestamp is None:
        return ""
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M")


def _headed(frame: pd.DataFrame, headers: Mapping[str, str] | None) -> pd.DataFrame:
    """Column (and index) names replaced by ``headers`` where it has one, e.g. in a translated notebook."""
    if not headers:
        return frame
    frame = frame.rename(columns=dict(headers))
    if frame.index.name in headers:
        frame.index.name = headers[frame.index.name]
    return frame


def files_table(files: Iterable[Any], *, headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per ``FileObject``: id, filename, purpose, size and dates; ``headers`` renames columns."""
    rows = [
        {
            "id": f.id,
            "filename": f.filename,
            "purpose": f.purpose,
            "bytes": f.bytes,
            "created (UTC)": utc_date(f.created_at),
            "expires (UTC)": utc_date(f.expires_at),
        }
        for f in files
    ]
    columns = ["id", "filename", "purpose", "bytes", "created (UTC)", "expires (UTC)"]
    return _headed(pd.DataFrame(rows, columns=columns), headers)


def models_table(models: Iterable[Any], *, headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One row per ``Model``, oldest first: id, owner, created date and shutdown date (if announced); ``headers``
    renames columns."""
    rows = [
        {
            "id": m.id,
            "owned_by": m.owned_by,
            "created (UTC)": utc_date(m.created),
            "shutdown_date": m.shutdown_date or "",
        }
        for m in sorted(models, key=lambda m: (m.created, m.id))
    ]
    return _headed(pd.DataFrame(rows, columns=["id", "owned_by", "created (UTC)", "shutdown_date"]), headers)


def ranking_table(
    ranked: Sequence[tuple[int, float]],
    texts: Sequence[str],
    *,
    top: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A search result list: rank, cosine score, document; ``headers`` renames the columns."""
    rows = [{"rank": r + 1, "score": round(score, 4), "document": texts[i]} for r, (i, score) in enumerate(ranked)]
    return _headed(pd.DataFrame(rows[:top] if top else rows, columns=["rank", "score", "document"]), headers)


def scores_table(scores: Mapping[str, Mapping[str, float]], *, digits: int = 4) -> pd.DataFrame:
    """Rows = inputs, columns = categories (e.g. moderation ``category_scores`` for a batch): on a phone the site
    shows each row as a card, one input with its scores."""
    return pd.DataFrame.from_dict(scores, orient="index").round(digits)
