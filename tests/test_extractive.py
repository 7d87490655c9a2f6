"""Extractive answering on crafted passages (no model: ranking runs lexical-only)."""

from __future__ import annotations

from assistant.backends import ExtractiveBackend
from assistant.extractive import per_source, rank_sentences
from index.chunking import Chunk
from index.retrieval import Hit

PASSAGES = [
    ("TechCrunch", "Acme raised 40 million dollars in new funding. The round was led by Foo."),
    ("TechCrunch", "Acme plans to hire 200 engineers next year."),
    ("The Verge", "Acme faces a lawsuit over its data practices, the complaint says."),
    ("Fortune", "Shares of unrelated companies fell on Tuesday."),
]


def hits(rows: list[tuple[str, str]]) -> list[Hit]:
    return [
        Hit(Chunk(f"d{i}:0", f"d{i}", text, 0, len(text), {"source": src}), score=1.0)
        for i, (src, text) in enumerate(rows)
    ]


def test_one_sentence_from_each_named_source_in_question_order() -> None:
    q = "Did The Verge report a lawsuit against Acme, while TechCrunch reported Acme's funding?"
    passages = hits(PASSAGES)
    cands = rank_sentences(q, passages, None)
    chosen = per_source(q, passages, cands)
    assert [passages[c.passage - 1].chunk.source for c in chosen] == ["The Verge", "TechCrunch"]
    answer = "".join(ExtractiveBackend().stream_answer(q, passages, cands))
    assert "lawsuit" in answer and "40 million" in answer
    assert answer.index("[3]") < answer.index("[1]")


def test_single_or_no_named_source_keeps_the_best_sentences() -> None:
    passages = hits(PASSAGES)
    for q in ["How much did Acme raise according to TechCrunch?", "How much did Acme raise?"]:
        assert per_source(q, passages, rank_sentences(q, passages, None)) == []
