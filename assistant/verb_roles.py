"""The asked role of an answer span: for "Who won the 2023 Cricket World Cup final?" the
answer is the agent of "won" ("won by Australia", "Australia won ..."), not a name that merely
stands in a sentence holding the question's words ("Australia beating India": India).

A question that opens "Who VERB ..." or "Which/What NOUN VERB ..." asks for the agent of that
verb. A span is its agent in a sentence where the same verb (any inflection, by WordNet's
rules) follows it with only auxiliaries or adverbs between ("India has won", "Australia
eventually won"), or where a passive of the verb is followed by "by" and the span ("won by
Australia"). The agent counts for more the more of the question's words after the verb (what
was won) stand beside the verb in the sentence: "India has won the last two matches" is the
agent of another win.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant import lexicon
from assistant.spans import Span
from index.text import content_words, stem

_WORD = re.compile(r"[A-Za-z0-9][\w’'-]*")
# A verb right after "who" that asks for no agent: a copula, "did"/"does" (who is the
# object then: "Who did X hire?"), a modal. A word in -ing there is a noun's ("Which online
# betting platform").
_NOT_ACTION = frozenset(
    [
        "is", "was", "are", "were", "be", "been", "did", "does", "do", "will", "would", "can",
        "could", "should", "may", "might", "must", "else", "exactly",
    ]
)  # fmt: skip
_PERFECT = frozenset(["has", "have", "had"])
# Words that may stand between an agent and its verb: auxiliaries, adverbs, relatives.
_BETWEEN = re.compile(r"^(?:has|have|had|also|then|\w+ly|who|which|that|just|once|later)$", re.I)
_PASSIVE_AUX = frozenset(["was", "were", "been", "being", "is", "are", "be", "got"])
_ASKED = re.compile(
    r"^\s*(?:who|(?:which|what)\s+[A-Za-z-]+)\s+(?:(?P<perfect>has|have|had)\s+)?"
    r"(?P<verb>[a-z][a-z-]+)\b(?P<rest>.*)$",
    re.I | re.S,
)
OBJECT_WINDOW = 10  # words beside the verb where the sentence says what the action was on


@dataclass(frozen=True)
class Action:
    """The verb a question asks the agent of, and the stems of what it acts on."""

    forms: frozenset[str]
    objects: frozenset[str]


def asked_action(question: str) -> Action | None:
    """The action whose agent the question asks for, or None (module docstring)."""
    m = _ASKED.match(question)
    if m is None:
        return None
    verb = m.group("verb").lower()
    if verb in _NOT_ACTION or verb.endswith("ing") or not lexicon.is_verb(verb):
        return None
    forms = lexicon.base_forms(verb)
    if not m.group("perfect") and len(forms) < 2:
        return None  # "Which company stock ...": a base form here is rarely the verb
    return Action(
        frozenset(forms - {verb}) or frozenset(forms), frozenset(content_words(m.group("rest")))
    )


def _tokens(sentence: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(sentence)]


def agents(sentence: str, action: Action | None) -> list[tuple[int, int, float]]:
    """Where the sentence names the action's agent: (start of a passive agent after "by" or
    -1, end of an active agent before the verb or -1, share of the question's objects beside
    the verb)."""
    if action is None:
        return []
    toks = _tokens(sentence)
    out: list[tuple[int, int, float]] = []
    for k, (start, end, word) in enumerate(toks):
        if not _inflects(word, action):
            continue
        by = re.match(r"\s+by\s+(?:the\s+)?(?=[A-Z0-9])", sentence[end:])
        if by:
            window = toks[max(0, k - OBJECT_WINDOW) : k]  # "the final ... won by Australia"
            where = (end + by.end(), -1)
        elif k and toks[k - 1][2].lower() not in _PASSIVE_AUX:
            window = toks[k + 1 : k + 1 + OBJECT_WINDOW]  # "Australia won the final"
            where = (-1, _agent_end(sentence, start))
            if not re.search(r"\b[A-Z0-9][\w.&’'-]*$", sentence[: where[1]]):
                continue  # no name there: "the company has won", "the founder"
        else:
            continue
        got = {stem(t[2]) for t in window}
        share = len(action.objects & got) / len(action.objects) if action.objects else 1.0
        out.append((*where, share))
    return out


def _inflects(word: str, action: Action) -> bool:
    # A form of the verb, not a noun or adjective made from it ("founder", "winner").
    low = word.lower()
    return bool(lexicon.base_forms(low) & action.forms) and not low.endswith(("er", "ers", "est"))


def agent_weight(
    span: Span, found: list[tuple[int, int, float]], boost: float = 1.0, other: float = 0.5
) -> float:
    """For a name span of a sentence whose agents() are `found`: 1 + `boost` times how much
    of what the question's action acts on stands beside the verb, where the span is that
    verb's agent; 1 - `other` times that share where the sentence names another agent of it
    ("won by Australia beating India": India); 1 otherwise."""
    if span.kind in ("number", "date"):
        return 1.0
    mine = theirs = 0.0
    for by_start, active_end, share in found:
        if span.start == by_start or span.end == active_end:
            mine = max(mine, share)
        else:
            theirs = max(theirs, share)
    if mine:
        return 1.0 + boost * mine
    return 1.0 - other * theirs


def _agent_end(sentence: str, verb_start: int) -> int:
    """Where a name before the verb must end to be its agent: before only auxiliaries,
    adverbs and relatives ("Australia, who eventually won", "India has won")."""
    before = sentence[:verb_start]
    cut = len(before)
    for m in reversed(list(re.finditer(r"[^\s,]+", before))):
        if not _BETWEEN.match(m.group(0)) or len(before[m.start() : verb_start].split()) > 3:
            break
        cut = m.start()
    return len(before[:cut].rstrip(" ,"))


def role_factor(weights: list[float]) -> float:
    """A candidate's role over its sentences: the agent of the asked action in any of them
    (its best weight), else named beside another agent (its lowest), else 1."""
    if not weights:
        return 1.0
    return max(weights) if max(weights) > 1.0 else min(weights)
