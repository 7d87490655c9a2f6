"""The page's inputs read into what the Assistant takes: filters, the reference date, and
one readable line for any failure."""

from __future__ import annotations

from datetime import date

from index.errors import AssistantError
from index.retrieval import Filters


def _parse_date(value: str | None, label: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise AssistantError(
            f"The {label} date '{value}' is not a date; write it as YYYY-MM-DD (e.g. 2024-11-18)."
        ) from None


def make_filters(
    sources: list[str] | None, date_from: str | None, date_to: str | None
) -> Filters | None:
    """Filters from the page's inputs (None when nothing is set)."""
    d_from = _parse_date(date_from, "from")
    d_to = _parse_date(date_to, "to")
    if d_from and d_to and d_from > d_to:
        raise AssistantError(
            f"The date range is empty ({d_from} is after {d_to}); swap the two dates."
        )
    f = Filters(sources=[s for s in (sources or []) if s], date_from=d_from, date_to=d_to)
    return None if f.is_empty() else f


def error_message(err: BaseException) -> str:
    """One readable line for any failure while answering (never a stack trace)."""
    if isinstance(err, AssistantError):
        return str(err).strip().splitlines()[0] if str(err).strip() else "Something went wrong."
    detail = str(err).strip().splitlines()[0][:200] if str(err).strip() else ""
    name = type(err).__name__
    if "connect" in (name + detail).lower() or isinstance(err, (ConnectionError, TimeoutError)):
        return (
            f"The language model server could not be reached ({name}); start it or check "
            "OPENAI_BASE_URL / ASSISTANT_OPENAI_BASE_URL, or use ASSISTANT_LLM=extractive."
        )
    return (
        f"Answering failed ({name}{': ' + detail if detail else ''}); the server log has details."
    )


def parse_as_of(value: str | None) -> str | None:
    """The reference date of the page's "As of" box (None: today, the Assistant's default)."""
    return _parse_date(value, "as-of")
