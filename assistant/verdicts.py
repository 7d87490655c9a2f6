"""Questions about several sources or claims: the evidence of each source side by side, and a
yes/no verdict only where that evidence decides it.

Decided from evidence: which was reported first ("Did TechCrunch report X after The Verge
reported Y?"), from the articles' own `published_at`, never a guess. Everything else gets the
evidence without a verdict: whether two sources' claims hold, agree or changed is a reading of
the sentences, and the measurable proxy tried (each source's sentence holding most of its
claim's words: yes; almost none: no) was right on 0.3-0.5 of the 5-23 MultiHop-RAG dev
comparison/temporal questions it decided (150 sampled, seed 5), never above the majority
answer's share among them, so it gives no verdict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.extractive import Candidate, cite
from index.query_analysis import SourceMatcher, find_dates
from index.retrieval import Hit
from index.text import content_words

# "reported ... before/after": the question asks about the order of the reports themselves,
# not of events in them ("unaware of her success before it was widely recognized").
_ORDER = re.compile(
    r"\b(?:report|reported|publish|published|cover|covered|discuss|discussed|release|released|"
    r"come out|came out|run|ran|write|wrote|post|posted)\b[^,;?]{0,120}?"
    r"\b(?P<w>before|after|prior to|earlier than|later than)\b",
    re.I,
)
_LATER = ("after", "later than")
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


def evidence(question: str, passages: list[Hit], candidates: list[Candidate]) -> list[Evidence]:
    """One entry per source the question names (in question order), two or more, else []."""
    matcher = SourceMatcher(h.chunk.source for h in passages)
    mentions = matcher.find(question)
    dated = find_dates(question)
    out: list[Evidence] = []
    used: set[int] = set()
    for i, mention in enumerate(mentions):
        # A source's claim follows its name ("does the Fortune article suggest X, while ..."),
        # or, when nothing does, precedes it ("... as reported by TechCrunch").
        lo, hi = mention.end, mentions[i + 1].start if i + 1 < len(mentions) else len(question)
        if len(content_words(question[lo:hi])) < 3:
            lo, hi = (mentions[i - 1].end if i else 0), mention.start
        claim = question[lo:hi]
        dates = tuple(d.iso for d in dated if lo <= d.start < hi and not d.bound)
        if not dates and any(e.source == mention.sources[0] for e in out):
            continue  # the same source again, with no date to tell its articles apart
        # The ranker's best sentence of that source (of that day, when the claim names one):
        # the sentence the reader checks, and the article whose date a verdict uses.
        chosen = next(
            (
                c
                for c in candidates
                if passages[c.passage - 1].chunk.source in mention.sources
                and id(c) not in used
                and (not dates or (passages[c.passage - 1].chunk.published_at or "")[:10] in dates)
            ),
            None,
        )
        words = content_words(claim)
        held = len(words & content_words(chosen.text)) / max(1, len(words)) if chosen else 0.0
        if chosen is not None:
            used.add(id(chosen))
        published = passages[chosen.passage - 1].chunk.published_at if chosen else ""
        out.append(
            Evidence(mention.sources[0], mention.start, claim, chosen, held, published or "")
        )
    found = [e for e in out if e.candidate is not None]
    return out if len(found) >= 2 else []


def verdict(question: str, found: list[Evidence]) -> str | None:
    """ "Yes", "No", or None where the evidence does not decide."""
    order = _ORDER.search(question)
    if len(found) < 2 or order is None or _JUDGEMENT.search(question):
        return None
    before = [e for e in found if e.start < order.start("w")]
    after = [e for e in found if e.start > order.end("w")]
    if not (before and after and before[0].candidate and after[0].candidate):
        return None
    a, b = before[0].published_at, after[0].published_at
    if not a or not b or a[:10] == b[:10]:
        return None  # the same day: the dates do not settle which came first
    later = order.group("w").lower() in _LATER
    return "Yes" if (a > b) == later else "No"


def side_by_side(
    question: str, passages: list[Hit], candidates: list[Candidate], decide: bool = True
) -> str | None:
    """The verdict (when asked for and decided) and one cited sentence per named source, or
    None when the question does not name two sources the passages come from."""
    found = evidence(question, passages, candidates)
    if not found:
        return None
    said = verdict(question, found) if decide else None
    # At most three sources, as many sentences as the per-source extractive answer gives.
    sentences = [cite(e.candidate) for e in found if e.candidate is not None][:3]
    return " ".join(([f"{said}."] if said else []) + list(dict.fromkeys(sentences)))


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
    dated = verdict(question, found)
    if dated is not None:
        said, rests = dated, found
    shown = rests + [e for e in found if e not in rests]
    sentences = [cite(e.candidate) for e in shown if e.candidate is not None][:3]
    return " ".join(([f"{said}."] if said else []) + list(dict.fromkeys(sentences)))
