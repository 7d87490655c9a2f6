"""The citation check applied to a generated answer: keep what the passages support, judge
it where an LLM judge is on, repair or decline what is left empty, and fill the citations."""

from __future__ import annotations

from typing import Any

from assistant.answer import Answer, RefusalReason, citation_from_hit
from assistant.backends import Backend, ExtractiveBackend
from assistant.citations import CitationChecker
from assistant.settings import Settings
from index.catalog import Catalog
from index.retrieval import Hit


def checked_answer(
    answer: Answer,
    raw: str,
    question: str,
    passages: list[Hit],
    candidates: list[Any],
    checker: CitationChecker,
    backend: Backend,
    settings: Settings,
    catalog: Catalog,
) -> Answer:
    """`answer` filled from the generated text `raw` once every sentence is checked against
    the passage it cites (and judged, where the judge is on); what no passage supports is
    dropped and, when nothing is left, repaired from the source sentences or declined."""
    result = checker.check(raw, passages, question)
    from assistant.judge import judge, judge_enabled

    if result.kept and judge_enabled(settings):
        # One more call judges what the offline rules kept; it can only drop more.
        result, answer.judge = judge(backend.complete, result, passages)
    answer.dropped_sentences = result.dropped
    answer.repaired_citations = result.repaired
    if not result.kept:
        if result.refused:
            # The model declined: keep the refusal constant.
            answer.refusal_reason = RefusalReason(
                "model_declined", "The model found no answer in the passages."
            )
            return answer
        # Nothing of the generated answer survived: first the passage sentences the dropped
        # ones were aligned to, quoted (issue 15); else the extractive answer.
        from assistant.citations import repair_from_source

        quoted = repair_from_source(result.dropped, passages, question)
        result = checker.check(" ".join(f"{q} [{ns[0]}]" for q, ns in quoted), passages, question)
        answer.fallback = "source"
        if not result.kept:
            fallback = "".join(
                ExtractiveBackend(settings.max_answer_sentences, settings.answer).stream_answer(
                    question, passages, candidates
                )
            )
            result = checker.check(fallback, passages, question)
            answer.fallback = "extractive"
        if not result.kept:
            answer.refusal_reason = RefusalReason(
                "unsupported", "No sentence of the answer was supported by its passages."
            )
            return answer
    answer.answer = result.text
    answer.refused = False
    answer.refusal_reason = None
    answer.citations = [citation_from_hit(n, passages[n - 1]) for n in sorted(result.used_passages)]
    # The other outlets that carried each cited story (wire copies stored once).
    outlets = catalog.copies_of([c.doc_id for c in answer.citations])
    for c in answer.citations:
        c.also_in = outlets.get(c.doc_id, [])
    return answer
