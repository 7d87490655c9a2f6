""" "The latest news about X": among the passages about X (index.subject.about: X named as
the subject of one of their clauses), the newest article's wins, provided the passage matches
the question at least FLOOR times as well as the best passage found for it (BM25 of the whole
question, raw, so that passages of two searches compare).

Why a second search: a subject covered at length has its older articles fill the question's
whole candidate pool. On MultiHop-RAG "What is the latest news about Sam Bankman-Fried?" has
sixteen articles naming him, 2023-09-28 to 2023-11-30; CNBC's Coinbase report of 2023-11-30
(the only one after the verdict) names him only in its body, and its best passage ranked 97th
of ~8,000 on the fused score, outside the reranker's 60 candidates. Searching again only among
articles published after the newest one found so far lets it compete with its own period.
"""

from __future__ import annotations

from datetime import date, timedelta

from index.columns import chunk_date
from index.retrieval import Filters, Hit, HybridIndex
from index.subject import Name, about, aliases, headline_names, names_all

# A newer passage about the subject must match the question at least this well, relative to
# the best passage of the first search: it guards questions whose other words narrow the
# subject ("Ohtani's free agency", "the Epic v. Google case").
FLOOR = 0.5


def newer_about(
    index: HybridIndex,
    query: str,
    hits: list[Hit],
    names: list[Name],
    filters: Filters,
    since: str,
    pool: int = 30,
) -> list[Hit]:
    """The passages about the subject of the newest article published after `since` (an ISO
    day) within the filters, best first; [] when none is about it or close enough."""
    if not names or not hits:
        return []
    best = max(h.bm25 for h in hits)
    try:
        start = (date.fromisoformat(since[:10]) + timedelta(days=1)).isoformat()
    except ValueError:
        return []
    start = max(start, filters.date_from or start)
    if best <= 0 or (filters.date_to and start > filters.date_to):
        return []
    window = Filters(sources=list(filters.sources), date_from=start, date_to=filters.date_to)
    known_as = {n: aliases(n, [h.chunk.text for h in hits]) for n in names}
    found: dict[int, Hit] = {}
    seen = [*hits, *index.search(query, k=pool, filters=window)]
    for h in seen:
        if (
            chunk_date(h.chunk) >= start
            and window.accepts(h.chunk, index.also_sources.get(h.chunk.doc_id, ()))
            and h.bm25 >= FLOOR * best
            and all(headline_names(h.chunk.title, n, known_as[n]) for n in names)
            and about(f"{h.chunk.title}.\n{h.chunk.text}", names)
        ):
            found.setdefault(id(h.chunk), h)
    if not found:
        return []
    day = max(chunk_date(h.chunk) for h in found.values())
    newest = sorted(
        (h for h in found.values() if chunk_date(h.chunk) == day), key=lambda h: -h.bm25
    )
    # The same articles' other passages that name the subject follow: where the conviction
    # is said ("..., when Sam Bankman-Fried ... was found guilty") need not be its subject.
    docs = {h.chunk.doc_id for h in newest}
    more = {
        id(h.chunk): h
        for h in sorted(seen, key=lambda h: -h.bm25)
        if h.chunk.doc_id in docs
        and id(h.chunk) not in found
        and names_all(h.chunk.text, names, h.chunk.title)
    }
    return [*newest, *more.values()]
