"""The retrieval index follows the catalog incrementally and matches a full rebuild."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant, Settings
from index.lexicon import Lexicon
from index.live import LiveIndex
from index.offline import OFFLINE_ENV
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow

STORY = "Ferry strike ends\nThe ferry crews ended their strike on Monday after {n} days.\n"


def make(home: Path) -> Assistant:
    return Assistant(Settings(home=home, llm="extractive", progress=False))


def ranking(a: Assistant, live: LiveIndex, q: str) -> list[tuple[str, float]]:
    return [(h.chunk.id, round(h.score, 5)) for h in live.current().search(q, 5, None)]


def test_updates_are_incremental_and_equal_a_full_rebuild(
    seeded_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = make(seeded_copy)
    a.ask("How many drones did Russia say it intercepted?")
    live = a._live
    assert live is not None
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ferry.txt").write_text(STORY.format(n=9), encoding="utf-8")
    writer = make(seeded_copy)  # another Assistant (as another process would) writes
    writer.ingest([str(folder)])
    loads: list[int | None] = []
    real = type(a.home.catalog).load_chunks

    def spy(self, since_gen=None, dimension=384):  # type: ignore[no-untyped-def]
        loads.append(since_gen)
        return real(self, since_gen, dimension)

    monkeypatch.setattr(type(a.home.catalog), "load_chunks", spy)
    q = "When did the ferry crews end their strike?"
    updated = ranking(a, live, q)
    assert loads and all(g is not None for g in loads), "the update reloaded every chunk"
    # Replace, then forget: tombstones drop the old chunks.
    (folder / "ferry.txt").write_text(STORY.format(n=12), encoding="utf-8")
    writer.ingest([str(folder)])
    replaced = ranking(a, live, q)
    fresh = LiveIndex(make(seeded_copy).home, lambda: a.embedder)
    assert replaced == ranking(a, fresh, q) and replaced != updated
    assert sorted(c.id for c in live.current().chunks) == sorted(
        c.id for c in fresh.current().chunks
    )
    assert np.allclose(
        live.current().embeddings[np.argsort([c.id for c in live.current().chunks])],
        fresh.current().embeddings[np.argsort([c.id for c in fresh.current().chunks])],
    )
    writer.forget(str(folder / "ferry.txt"))
    assert all("ferry" not in c.text for c in live.current().chunks)
    assert "12 days" not in a.ask(q).answer


def test_lexicon_persists_and_a_new_tokenizer_recomputes(tmp_path: Path) -> None:
    a = make(tmp_path / "home")
    a.ingest([str(SEEDS)])
    a.ask("How many drones did Russia say it intercepted?")
    path = tmp_path / "home" / "lexicon.npz"
    saved = Lexicon.load(path)
    assert len(saved.terms) == a.status()["chunks"] and saved.vocab
    ids = next(iter(saved.terms))
    assert (saved.terms[ids][0] >= 0).all()
    path.write_bytes(b"not an npz")
    assert Lexicon.load(path).terms == {}  # broken file: recompute, never fail


OFFLINE_PROBE = """
import os
before = dict(os.environ)
import index, index.embeddings, index.store, index.retrieval, index.live, index.ingest
changed = set(os.environ.items()) ^ set(before.items())
assert not changed, f"importing index changed the environment: {sorted(changed)}"
import numpy as np
from index.embeddings import MiniLMEmbedder
m = MiniLMEmbedder("fp32")
assert os.environ["HF_HUB_OFFLINE"] == "1"
texts = ["How many drones did Russia say it intercepted?", "The jury found Google liable.",
         "Long " * 300]
small = m.embed(texts)
assert "torch" not in __import__("sys").modules, "a small encode loaded torch"
full = m._embed_torch(texts, 64)  # sentence-transformers, as ingest runs it
import huggingface_hub.constants
assert huggingface_hub.constants.HF_HUB_OFFLINE, "the model loaded online"
cos = (small * full).sum(1)
assert cos.min() >= 0.9999, cos
print("ok")
"""


def test_importing_index_leaves_the_environment_alone_and_models_load_offline() -> None:
    env = {k: v for k, v in os.environ.items() if k not in OFFLINE_ENV}
    run = subprocess.run(
        [sys.executable, "-c", OFFLINE_PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-2000:]


def test_small_encodes_reuse_recent_vectors_across_a_cache_clear() -> None:
    # A batch mixing remembered and new texts, where the new ones overflow the memory: the
    # remembered vectors were read after the clear, and every eval died with a KeyError.
    from index.embeddings import MiniLMEmbedder

    emb = MiniLMEmbedder()  # its own instance: the shared one keeps its memory size
    emb.recent_max = 3
    first = ["Russia claimed it intercepted 84 drones.", "Officials said 145 drones came."]
    emb.embed(first)
    mixed = [*first, "A dam near Kurakhove was struck.", "The Vovcha River could flood."]
    got = emb.embed(mixed)
    fresh = emb.small.encode(emb.small.token_ids(mixed))
    assert np.allclose(got, fresh, atol=1e-6)
