"""The frame a claim may open with, "<outlet> reported on <date> that ...", which the cited
article's metadata supports (issue 15: "a date, outlet or title taken from the cited
article's metadata is supported by that citation")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.relations import number_values
from assistant.text import stem, words

if TYPE_CHECKING:
    from assistant.entailment import Context

_DATE = (
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
    r"(?:[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{1,2}\s+[A-Z][a-z]+(?:\s+\d{4})?)"
)
_SAYS = r"(?:reported|wrote|said|says|reports|writes|published|noted)"
_FRAMES = (
    re.compile(rf"^\s*(?P<src>[^,]+?)\s+{_SAYS}\s+(?:on\s+)?(?P<date>{_DATE}),?\s+(?:that\s+)?"),
    re.compile(rf"^\s*(?:On\s+(?P<date>{_DATE}),\s+)?(?P<src>[^,]+?)\s+{_SAYS}\s+that\s+"),
)


_WEEKDAYS = frozenset(
    stem(d) for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _outlet_key(name: str) -> str:
    return _NOT_ALNUM.sub("", name.lower().removeprefix("the "))


def _same_outlet(named: str, source: str) -> bool:
    """Whether the claim names the cited outlet: its name, or the name before a feed's
    tagline ("Live Science" for "Live Science: The Most Interesting Articles")."""
    key, full = _outlet_key(named), _outlet_key(source)
    head = _outlet_key(re.split(r"\s+[-|–—]\s+|:\s+", source)[0])
    return bool(key) and key in (full, head)


def without_frame(claim: str, ctx: Context) -> str:
    """The claim without its opening "<outlet> reported on <date> that" when the outlet and the
    date are the cited article's own (its metadata supports them): the rules then read the
    claim itself, not the article's date against the passage's dates ("Engadget reported on
    November 9 that ... on November 16th")."""
    if not ctx.source:
        return claim
    for frame in _FRAMES:
        m = frame.match(claim)
        if not m or not _same_outlet(m.group("src"), ctx.source):
            continue
        date = m.group("date") or ""
        said = {stem(w) for w in words(date) if not w[:1].isdigit()} | number_values(date)
        if said - _WEEKDAYS <= ctx.metadata_terms():
            return claim[m.end() :]
    return claim
