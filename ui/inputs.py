"""The page's inputs read into what the Assistant takes: filters, the reference date, and
one readable line for any failure."""

from __future__ import annotations

from index.errors import AssistantError
from index.filters import make_filters, parse_date

__all__ = ["error_message", "make_filters", "parse_as_of"]


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
    return parse_date(value, "as-of")
