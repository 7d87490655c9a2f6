"""Questions about several sources or claims: the evidence of each source side by side, and a
yes/no verdict only where that evidence decides it.

Each named source gets the sentence of its passages that holds most of the question's claim
about it. Two kinds of verdict:
- which was reported first ("Did TechCrunch report X after The Verge reported Y?"): from the
  articles' own `published_at`, never a guess (order_verdict);
- whether the claims hold: only when every source's sentence holds enough of its claim; then
  "Yes", or "No" where the question negates what the sentences state (claim_verdict).
Anything else (a sentence about something other than its claim, an order the dates cannot
settle) gets the evidence without a verdict. With the openai backend the model writes the
verdict from the same evidence (written_verdict, prompts/verdict.txt).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.extractive import Candidate, cite
from index.query_analysis import SourceMatcher, SourceMention, find_dates
from index.retrieval import Hit
from index.text import content_words, split_sentences

# "reported ... before/after": the question asks about the order of the reports themselves,
# not of events in them ("unaware of her success before it was widely recognized").
_ORDER = re.compile(
    r"\b(?:report|reported|publish|published|cover|covered|discuss|discussed|release|released|"
    r"come out|came out|run|ran|write|wrote|post|posted)\b[^,;?]{0,120}?"
    r"\b(?P<w>before|after|prior to|earlier than|later than)\b",
    re.I,
)
_LATER = ("after", "later than")
# A claim's words an evidence sentence must hold before its polarity decides anything: below
# it the sentence is about something else (MultiHop-RAG dev sample 300 seed 1).
CLAIM_SUPPORT = 0.3
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|without|fail\w*|inconsisten\w*)\b|n['’]t\b", re.I
)
# How questions frame a source's claim, which its sentence need not repeat.
_FRAMING = content_words(
    "article articles report reports reported reporting suggest suggests suggested indicate "
    "indicates indicated imply implies implied claim claims claimed mention mentions mentioned "
    "describe describes described discuss discusses discussed publish published publication "
    "focus focuses credit credits attribute attributes portray portrays portrayal according "
    "while whereas also both another second first later earlier news source sources "
    "january february march april may june july august september october november december"
)
# "Does A differ from B, or do they both suggest C?": two questions, and a yes or no would
# not say to which.
_EITHER_OR = re.compile(r",?\s+or\s+(?:do|does|did|is|are|was|were|has|have)\b", re.I)
# Questions whose yes/no turns on a judgement of tone or consistency, which evidence
# sentences side by side cannot settle mechanically.
_JUDGEMENT = re.compile(
    r"\b(consisten\w*|inconsisten\w*|change[ds]?|same|similar\w*|differ\w*|align\w*|agree\w*|"
    r"disagree\w*|contradict\w*|portray\w*|tone|narrative|shift\w*|unlike|"
    r"not|no|neither|nor|without|fail\w*)\b",
    re.I,
)


@dataclass
class Evidence:
    """The best sentence of one named source for its part of the question."""

    source: str
    start: int  # where the question names the source
    claim: str  # the question's words about that source
    candidate: Candidate | None
    held: float  # share of the claim's words that the sentence holds
    published_at: str
    again: bool = False  # another article of a source already quoted


# A second article of the source named before it ("... align with the same publication's
# article on ..."): the question compares two articles of one outlet.
_SAME_SOURCE = re.compile(
    r"\b(?:the\s+same\s+(?:publication|source|news\s+source|outlet|news\s+outlet)|"
    r"another\s+(?:article|report)|the\s+other\s+(?:article|report))\b",
    re.I,
)


def _mentions(question: str, passages: list[Hit]) -> list[SourceMention]:
    """The sources the question names, in question order, "the same publication" standing for
    the one named before it."""
    mentions = SourceMatcher(h.chunk.source for h in passages).find(question)
    for m in _SAME_SOURCE.finditer(question):
        before = [x for x in mentions if x.end <= m.start()]
        if before and not any(x.start < m.end() and m.start() < x.end for x in mentions):
            mentions.append(SourceMention(before[-1].sources, m.start(), m.end(), m.group(0)))
    return sorted(mentions, key=lambda x: x.start)


def evidence(question: str, passages: list[Hit], candidates: list[Candidate]) -> list[Evidence]:
    """One entry per source the question names (in question order), two or more, else []."""
    mentions = _mentions(question, passages)
    dated = find_dates(question)
    out: list[Evidence] = []
    used: set[tuple[int, int]] = set()
    for i, mention in enumerate(mentions):
        lo, hi = _claim_span(question, mentions, i)
        claim = question[lo:hi]
        dates = tuple(d.iso for d in dated if lo <= d.start < hi and not d.bound)
        # The same source again: with no date to tell its articles apart, another article
        # of it than the one already quoted, if the passages hold one.
        taken = {
            passages[e.candidate.passage - 1].chunk.doc_id
            for e in out
            if e.source == mention.sources[0] and e.candidate is not None and not dates
        }
        # The sentence of that source (of that day, when the claim names one) holding most of
        # the claim's words, the ranker's order breaking ties: the sentence the reader
        # checks, the one a verdict rests on, and the article whose date it uses.
        words = content_words(claim) - content_words(mention.sources[0]) - _FRAMING
        own = [
            n
            for n, h in enumerate(passages, 1)
            if h.chunk.source in mention.sources
            and (not dates or (h.chunk.published_at or "")[:10] in dates)
            and h.chunk.doc_id not in taken
        ]
        if taken and not own:
            continue
        chosen, held = _best_for_claim(words, own, passages, candidates, used)
        if chosen is not None:
            used.add((chosen.passage, chosen.start))
        published = passages[chosen.passage - 1].chunk.published_at if chosen else ""
        out.append(
            Evidence(
                mention.sources[0], mention.start, claim, chosen, held, published or "", bool(taken)
            )
        )
    found = [e for e in out if e.candidate is not None]
    return out if len(found) >= 2 else []


def _claim_span(question: str, mentions: list[SourceMention], i: int) -> tuple[int, int]:
    """Where the question states its claim about the i-th named source: after its name ("does
    the Fortune article suggest X, while ..."), or, when nothing follows, before it ("... as
    reported by TechCrunch")."""
    mention = mentions[i]
    lo, hi = mention.end, mentions[i + 1].start if i + 1 < len(mentions) else len(question)
    if len(content_words(question[lo:hi])) < 3:
        lo, hi = (mentions[i - 1].end if i else 0), mention.start
    return lo, hi


# What joins one source's claim to the next ("..., while the", "... compared to the").
_JOINER = re.compile(
    r"[\s,;'\"‘’“”]*(?:\b(?:while|whereas|and|but|or|as|than|in\s+contrast\s+to|"
    r"compared\s+to|similar(?:ly)?\s+to(?:\s+how)?|in\s+the\s+same\s+way\s+that|align\s+with|"
    r"the|a|an|other|another|also|article|report|does|did|do|from|by|in)\b[\s,;'\"‘’“”]*)*$",
    re.I,
)


# The rest of the source's name before its claim ("' article", "'s report").
_LEADER = re.compile(
    r"^[\s'\"‘’“”]*(?:s\s+)?(?:(?:news\s+)?(?:article|report|piece|story)s?\b)?", re.I
)


def clause_of(question: str, passages: list[Hit], n: int) -> str | None:
    """The question's claim about the source of passage n (1-based), as a question of its own
    ("Did TechCrunch report X, while The Verge reported Y?" -> "Did report Y?" for a passage
    of The Verge), or None when the question names that source nowhere. A verdict on a
    compound question stands on each source's sentence for that source's clause (issue 15:
    each clause against the article it cites), not on the whole question. With the source
    named twice, the clause whose words the passage holds most of; with dates in the
    question, the clause of the passage's day."""
    if not 1 <= n <= len(passages):
        return None
    chunk = passages[n - 1].chunk
    mentions = _mentions(question, passages)
    dated = find_dates(question)
    text = content_words(chunk.text)
    best: tuple[int, int, str] | None = None
    for i, mention in enumerate(mentions):
        if chunk.source not in mention.sources:
            continue
        lo, hi = _claim_span(question, mentions, i)
        days = {d.iso for d in dated if lo <= d.start < hi and not d.bound}
        on_day = not days or (chunk.published_at or "")[:10] in days
        claim = _JOINER.sub("", _LEADER.sub("", question[lo:hi])).strip(" ,;:'\"‘’“”?")
        words = content_words(claim) - _FRAMING
        rank = (int(on_day), len(words & text))
        if claim and (best is None or rank > best[:2]):
            best = (*rank, claim)
    return f"Did {best[2]}?" if best else None


def _best_for_claim(
    words: set[str],
    own: list[int],
    passages: list[Hit],
    candidates: list[Candidate],
    used: set[tuple[int, int]],
) -> tuple[Candidate | None, float]:
    ranked = {(c.passage, c.start): i for i, c in enumerate(candidates)}
    best: tuple[float, float, Candidate] | None = None
    for n in own:
        text = passages[n - 1].chunk.text
        for a, b in split_sentences(text):
            sent = text[a:b]
            # A sentence that asks ("Can Alabama still make the playoff?") states nothing.
            if (
                (n, a) in used
                or len(content_words(sent)) < 4
                or sent.rstrip(" \"”’'").endswith("?")
            ):
                continue
            held = len(words & content_words(sent)) / max(1, len(words))
            prior = -ranked.get((n, a), len(candidates))
            if best is None or (held, prior) > best[:2]:
                best = (held, prior, Candidate(n, sent, a, b, held, held, 0.0, 0.0))
    return (best[2], best[0]) if best else (None, 0.0)


def verdict(question: str, found: list[Evidence]) -> str | None:
    """ "Yes", "No", or None where the evidence does not decide: which was reported first
    from the articles' dates; otherwise from each named source's sentence (claim_verdict)."""
    dated = order_verdict(question, found)
    return dated if dated is not None else claim_verdict(question, found)


def claim_verdict(question: str, found: list[Evidence]) -> str | None:
    """Each named source's sentence read against the question's claim about it: decided only
    when every sentence holds at least CLAIM_SUPPORT of its claim's words (it states what the
    question says that source said) and no claim is negated ("does not attribute ...": a
    sentence's words cannot show an absence). Then the claims hold: "Yes", or "No" where the
    question itself negates them ("was there no change between ...") and the sentences carry
    no negation.

    MultiHop-RAG dev comparison/temporal yes/no questions, benchmarks/multihop_answers.py:
    sample 300 seed 1 (tuned): verdicts on 0.35, right on 0.79, majority answer among them
    0.71; sample 200 seed 2 (held out): on 0.38, right 0.69, majority 0.67 (the answer step
    alone). End to end, seed 1, the citation check keeps 31 of the 150 (0.21), right 0.74:
    no better than the majority answer among them, as nearly all are "Yes". With a second
    article of one outlet, no either-or verdicts, negated report orders and the verdict on its
    own line (tuned on sample 200 seed 2; benchmarks/multihop_answers.py prints the gates):
    seed 1, 40 of 150 (0.27), right 0.75, majority 0.65; comparison alone 26/91 right 0.615,
    no better than its majority; the citation check drops "Yes." beside a compound claim's
    first sentence (12 comparison verdicts on seed 1). Tried and left out: a claim's names
    missing from its sentence as undecided (no signal), the check's support of each claim as
    "No" (no signal), CLAIM_SUPPORT 0.2-0.35 (the margin over the majority is flat).
    Tried and left out before:
    a negation anywhere in the question as "No" (held out: right 0.63, majority 0.65), a
    sentence of opposite polarity (assistant/relations.py) as "No" (10 of 27 right), a name
    or number of the claim missing from the source's passages as "No" (2-4 of 17-19 right)."""
    if (
        len(found) < 2
        or _ORDER.search(question)
        or _EITHER_OR.search(question)
        or any(
            e.candidate is None or e.held < CLAIM_SUPPORT or _NEGATION.search(e.claim)
            for e in found
        )
    ):
        return None
    said = [e.candidate.text for e in found if e.candidate is not None]
    lead = question[: min(e.start for e in found)]
    negated = bool(_NEGATION.search(lead)) and not any(_NEGATION.search(t) for t in said)
    return "No" if negated else "Yes"


def order_verdict(question: str, found: list[Evidence]) -> str | None:
    """ "Yes", "No", or None where the evidence does not decide. One "not" before the order
    ("Was X not discussed by A before B reported Y?") asks the opposite; any other judgement
    word, or more negations, leaves it undecided."""
    order = _ORDER.search(question)
    if len(found) < 2 or order is None:
        return None
    judged = [m.group(0).lower() for m in _JUDGEMENT.finditer(question)]
    negated = judged == ["not"] and question.lower().find(" not ") < order.start("w")
    if judged and not negated:
        return None
    before = [e for e in found if e.start < order.start("w")]
    after = [e for e in found if e.start > order.end("w")]
    if not (before and after and before[0].candidate and after[0].candidate):
        return None
    a, b = before[0].published_at, after[0].published_at
    if not a or not b or a[:10] == b[:10]:
        return None  # the same day: the dates do not settle which came first
    later = order.group("w").lower() in _LATER
    return "Yes" if ((a > b) == later) != negated else "No"


def side_by_side(
    question: str, passages: list[Hit], candidates: list[Candidate], decide: bool = True
) -> str | None:
    """The verdict (when asked for and decided) and one cited sentence per named source, or
    None when the question does not name two sources the passages come from."""
    found = evidence(question, passages, candidates)
    if not found:
        return None
    said = verdict(question, found) if decide else None
    if said is None and any(e.again for e in found):
        # Two articles of one outlet, undecided: the best sentences answer as well, with fewer
        # citations (MultiHop-RAG dev sample 200 seed 2: citation precision 0.620 -> 0.581
        # with these shown).
        return None
    # At most three sources, as many sentences as the per-source extractive answer gives.
    sentences = [cite(e.candidate) for e in found if e.candidate is not None][:3]
    return _with_verdict(said, sentences)


def _with_verdict(said: str | None, sentences: list[str]) -> str:
    """The verdict on a line of its own, then the evidence: "No. The ..." reads to the
    sentence splitter as the abbreviation ("No. 5"), and the verdict would be checked as part
    of the first sentence, and dropped with it."""
    body = " ".join(dict.fromkeys(sentences))
    return f"{said}.\n{body}" if said else body


_MODEL_VERDICT = re.compile(r"VERDICT:\s*(?P<v>YES|NO|UNDECIDED)\b", re.I)
_RESTS_ON = re.compile(r"RESTS ON:\s*(?P<on>[\d,\s\[\]and]+)", re.I)


def evidence_lines(passages: list[Hit], found: list[Evidence]) -> str:
    """The evidence as the model sees it: one numbered sentence per source, with its date."""
    lines = []
    for i, e in enumerate(found, 1):
        if e.candidate is not None:
            head = ", ".join(x for x in (e.source, e.published_at[:10]) if x)
            lines.append(f"{i}. ({head}) {e.candidate.text.strip()}")
    return "\n".join(lines)


def read_model_verdict(reply: str, found: list[Evidence]) -> tuple[str | None, list[Evidence]]:
    """The model's "Yes"/"No" and the evidence it rests on; (None, []) when it did not decide,
    named no sentence, or named one that is not in the evidence."""
    m = _MODEL_VERDICT.search(reply or "")
    if m is None or m.group("v").upper() == "UNDECIDED":
        return None, []
    on = _RESTS_ON.search(reply[m.end() :])
    picked = [int(n) for n in re.findall(r"\d+", on.group("on"))] if on else []
    if not picked or any(not 1 <= n <= len(found) for n in picked):
        return None, []
    return m.group("v").capitalize(), [found[n - 1] for n in dict.fromkeys(picked)]


def written_verdict(
    question: str,
    passages: list[Hit],
    candidates: list[Candidate],
    ask: Callable[[str], str | None],
) -> str | None:
    """The side-by-side answer with the verdict a model writes from the evidence (prompts/
    verdict.txt): it names the sentences it rests on, and those are cited first, so each
    article the verdict rests on has its sentence beside it; the citation check then holds
    the verdict to them. Where the publication dates decide, they overrule the model. None
    when the question does not name two sources the passages come from."""
    from prompts import render

    found = evidence(question, passages, candidates)
    if not found:
        return None
    reply = ask(render("verdict", evidence=evidence_lines(passages, found), question=question))
    said, rests = read_model_verdict(reply or "", found)
    dated = order_verdict(question, found)
    if dated is not None:
        said, rests = dated, found
    if said is None and any(e.again for e in found):
        return None  # as side_by_side: two articles of one outlet, undecided
    shown = rests + [e for e in found if e not in rests]
    sentences = [cite(e.candidate) for e in shown if e.candidate is not None][:3]
    return _with_verdict(said, sentences)
