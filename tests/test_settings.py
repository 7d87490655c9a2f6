"""Settings groups: every retrieval knob is reachable, the flat names from before the group
still work, and the values reach the index that answers."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.settings import RetrievalSettings
from index.retrieval_config import RetrievalConfig


@pytest.fixture(autouse=True)
def _no_assistant_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("ASSISTANT_"):
            monkeypatch.delenv(name)


def test_every_ranking_knob_is_a_described_setting_with_the_tuned_default() -> None:
    fields = RetrievalSettings.model_fields
    for f in dataclasses.fields(RetrievalConfig):
        assert f.name in fields, f"RetrievalConfig.{f.name} has no setting"
        assert fields[f.name].default == f.default, f.name
    for name, info in fields.items():
        assert info.description and len(info.description) > 20, name
    assert Settings().retrieval.config() == RetrievalConfig()


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("ASSISTANT_RETRIEVAL__BM25_WEIGHT", "0.5", "bm25_weight", 0.5),
        ("ASSISTANT_RETRIEVAL__RERANK", "false", "rerank", False),
        ("ASSISTANT_RETRIEVAL__POOL_SUB", "7", "pool_sub", 7),
        ("ASSISTANT_RETRIEVAL__TOP_K", "6", "top_k", 6),
        ("ASSISTANT_TOP_K", "5", "top_k", 5),
        ("ASSISTANT_RETRIEVE_K", "12", "retrieve_k", 12),
        ("ASSISTANT_CHUNK_SIZE", "128", "chunk_size", 128),
        ("assistant_chunk_overlap", "8", "chunk_overlap", 8),
    ],
)
def test_group_and_flat_variables(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str, expected: object
) -> None:
    monkeypatch.setenv(variable, value)
    s = Settings()
    assert getattr(s.retrieval, field) == expected
    if field in ("top_k", "retrieve_k", "chunk_size", "chunk_overlap"):
        assert getattr(s, field) == expected  # the flat attribute reads the group
    else:
        assert getattr(s.retrieval.config(), field) == expected


def test_group_variable_wins_over_flat_and_keyword_over_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ASSISTANT_TOP_K", "5")
    monkeypatch.setenv("ASSISTANT_RETRIEVAL__TOP_K", "6")
    monkeypatch.setenv("ASSISTANT_RETRIEVAL__BM25_WEIGHT", "0.4")
    assert Settings().top_k == 6
    s = Settings(top_k=3, chunk_size=64)
    assert (s.top_k, s.chunk_size, s.retrieval.bm25_weight) == (3, 64, 0.4)
    assert Settings(retrieval={"top_k": 2}).top_k == 2


def test_the_assistant_index_uses_the_retrieval_settings(tmp_path: Path) -> None:
    a = Assistant(Settings(home=tmp_path, retrieval={"bm25_weight": 0.2, "max_per_doc": 2}))
    a._embedder = object()  # type: ignore[assignment]  # an empty home never embeds
    config = a._current_index().config
    assert (config.bm25_weight, config.max_per_doc) == (0.2, 2)
    assert config.rerank == RetrievalConfig().rerank
