"""'Which outlet reported X first?': the outlets whose passages hold the claim, ordered by their
articles' own `published_at`, never by a name that happens to stand in the text.

A new-user trial asked "Which outlet reported the Kremlin denial first?" over the seed article
(as Reuters, 10:00Z) and a wire copy (AP, 12:00Z) and got "Washington Post", the paper the
article quotes. An outlet question about order is answered from metadata: the earliest article
among those whose sentences hold the claim, cited, with its date. A wire story keeps its
earliest copy's source and date, and its citation lists the other outlets in `also_in`.
"""

from __future__ import annotations

import re

from assistant.extractive import Candidate, cite
from index.retrieval import Hit

_OUTLET = (
    r"\b(?:which|what)\s+(?:news\s+)?(?:outlet|publication|newspaper|paper|site|website|"
    r"source|agency|broadcaster|network)s?\b"
)
_VERB = r"(?:report|publish|cover|break|broke|carr|announc|reveal|run|ran|post)\w*"
# "first" about the report, not about the thing reported ("reported on the first drone
# attack"): right before the verb, as "the first to", or closing the question.
_FIRST = re.compile(
    rf"{_OUTLET}\s+(?:(?:was|were)\s+)?(?:first|earliest)\s+{_VERB}\b"
    rf"|{_OUTLET}\s+{_VERB}\s+(?:it\s+|this\s+|that\s+)?(?:first|earliest)\b"
    rf"|{_OUTLET}\s+(?:was|were)\s+the\s+(?:first|earliest)\s+(?:one\s+|outlet\s+)?to\b"
    rf"|{_OUTLET}\s+[^?]*?\b{_VERB}\b[^?]*\b(?:first|earliest)\s*\??\s*$",
    re.I,
)
# A sentence holds the claim when it scores within this share of the best candidate: the
# ranker's own scale, so that an outlet whose best sentence is about something else does not
# take part in the order.
SUPPORT = 0.8


def asks_who_reported_first(question: str) -> bool:
    """Whether the question asks which outlet was the first to report something."""
    return bool(_FIRST.search(question))


def first_reporter(question: str, passages: list[Hit], candidates: list[Candidate]) -> str | None:
    """The outlet that reported the claim first, cited (the citation carries the date); None when the
    question does not ask it, or when no dated outlet holds the claim or two tie."""
    if not candidates or not asks_who_reported_first(question):
        return None
    top = max(c.score for c in candidates)
    best: dict[str, tuple[str, Candidate]] = {}  # outlet -> (its earliest date, sentence)
    for cand in sorted(candidates, key=lambda c: -c.score):
        if cand.score < SUPPORT * top:
            break
        chunk = passages[cand.passage - 1].chunk
        if not chunk.source or not chunk.published_at:
            continue
        held = best.get(chunk.source)
        if held is None or chunk.published_at < held[0]:
            best[chunk.source] = (chunk.published_at, cand)
    if not best:
        return None
    order = sorted(best.items(), key=lambda item: item[1][0])
    outlet, (when, cand) = order[0]
    if len(order) > 1 and order[1][1][0] == when:
        return None  # the same moment: the dates do not settle which came first
    # The date stands in the citation (its published_at), not in the sentence: the check holds
    # a sentence's dates to the passage text.
    return f"{outlet} [{cand.passage}]. {cite(cand)}"
