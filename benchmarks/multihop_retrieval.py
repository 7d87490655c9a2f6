"""Retrieval benchmark on MultiHop-RAG (dev split): plain vector, plain BM25, then each
improvement added one at a time, scored with assistant.retrieval_metrics.

    .venv/bin/python benchmarks/multihop_retrieval.py                 # all configs, all queries
    .venv/bin/python benchmarks/multihop_retrieval.py --sample 300 --seed 1 --configs bm25,full

The chunked and embedded corpus is cached once under $ASSISTANT_HOME/bench-cache (or
/tmp/multihop-cache) and reused; it is never written inside the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import index  # noqa: F401  (offline environment first)
from assistant.retrieval_metrics import METRIC_NAMES, RetrievalScores
from index.chunking import Chunk, chunk_article
from index.ingest import embed_text
from index.loaders import load_json_records
from index.retrieval import HybridIndex, RetrievalConfig

DATA_DIR = Path(os.environ.get("MULTIHOP_DATA", "/work/shared/data/multihop-rag"))

# Rows published in the MultiHop-RAG paper (Tables 5 and 6; 2,255 non-null queries).
PUBLISHED = [
    ("paper: bge-large-en-v1.5", 0.6718, 0.5221, 0.4298),
    ("paper: ada-002 + bge-reranker-large", 0.7059, 0.6169, 0.5477),
    ("paper: bge-large + bge-reranker-large", 0.7183, 0.6364, 0.5630),
    ("paper: voyage-02 + bge-reranker-large", 0.7467, 0.6625, 0.5860),
]


def _configs() -> dict[str, RetrievalConfig]:
    """Plain vector, plain BM25, plain fusion, then each improvement stacked on the row before
    it; "full" is the shipped default (RetrievalConfig())."""
    plain = RetrievalConfig.plain()
    rows: dict[str, RetrievalConfig] = {
        "vector": plain.replace(bm25_weight=0.0),
        "bm25": plain.replace(bm25_weight=1.0),
        "fusion": plain,
    }
    step = plain
    for name, change in RetrievalConfig.ablation_steps():
        step = step.replace(**change)
        rows[name] = step
    rows["full"] = RetrievalConfig()
    return rows


def cache_dir() -> Path:
    home = os.environ.get("ASSISTANT_HOME")
    root = Path(home) / "bench-cache" if home else Path("/tmp/multihop-cache")
    repo = Path(__file__).resolve().parent.parent
    if repo in root.resolve().parents or root.resolve() == repo:
        root = Path("/tmp/multihop-cache")
    root.mkdir(parents=True, exist_ok=True)
    return root


def load_corpus_index(chunk_size: int = 256, chunk_overlap: int = 32) -> tuple[list[Chunk], Any]:
    """Chunks and their MiniLM vectors for corpus.json, from the cache when it is current."""
    corpus = DATA_DIR / "corpus.json"
    digest = hashlib.sha1(corpus.read_bytes()).hexdigest()[:12]
    stem = cache_dir() / f"corpus-{digest}-{chunk_size}-{chunk_overlap}"
    pkl, npy = stem.with_suffix(".chunks.pkl"), stem.with_suffix(".emb.npy")
    if pkl.exists() and npy.exists():
        with pkl.open("rb") as fh:
            chunks = pickle.load(fh)
        return chunks, np.load(npy)
    from index.embeddings import bundled_embedder

    t0 = time.perf_counter()
    chunks = [
        c for a in load_json_records(corpus) for c in chunk_article(a, chunk_size, chunk_overlap)
    ]
    print(f"chunked {len(chunks)} chunks in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    emb = bundled_embedder().embed([embed_text(c) for c in chunks])
    print(f"embedded in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    with pkl.open("wb") as fh:
        pickle.dump(chunks, fh)
    np.save(npy, emb)
    return chunks, emb


class MemoEmbedder:
    """Wraps an embedder and remembers query vectors (optionally on disk) so tuning runs can
    skip re-embedding; latency is then retrieval-only and reported as such."""

    def __init__(self, inner: Any, path: Path | None = None) -> None:
        self.inner = inner
        self.path = path
        self.memo: dict[str, np.ndarray] = {}
        if path and path.exists():
            with path.open("rb") as fh:
                self.memo = pickle.load(fh)
        self.dirty = False

    def embed(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.memo]
        if missing:
            for t, v in zip(missing, self.inner.embed(missing), strict=True):
                self.memo[t] = v
            self.dirty = True
        return np.stack([self.memo[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def save(self) -> None:
        if self.path and self.dirty:
            with self.path.open("wb") as fh:
                pickle.dump(self.memo, fh)


def load_queries(limit: int | None, sample: int | None, seed: int) -> list[dict[str, Any]]:
    data = json.loads((DATA_DIR / "queries-dev.json").read_text(encoding="utf-8"))
    queries = [q for q in data if q.get("question_type") != "null_query" and q["evidence_list"]]
    if sample:
        queries = random.Random(seed).sample(queries, min(sample, len(queries)))
    return queries[:limit] if limit else queries


def run_config(idx: HybridIndex, cfg: RetrievalConfig, queries: list[dict[str, Any]]) -> dict:
    scores = RetrievalScores()
    by_type: dict[str, RetrievalScores] = {}
    latencies: list[float] = []
    for q in queries:
        t0 = time.perf_counter()
        hits = idx.search(q["query"], k=10, config=cfg)
        latencies.append(time.perf_counter() - t0)
        texts = [h.chunk.text for h in hits]
        facts = [e["fact"] for e in q["evidence_list"]]
        scores.add(texts, facts)
        by_type.setdefault(q["question_type"], RetrievalScores()).add(texts, facts)
    return {
        "means": scores.means(),
        "by_type": {t: s.means() for t, s in sorted(by_type.items())},
        "p50_ms": 1000 * statistics.median(latencies),
        "total_s": sum(latencies),
    }


def _row(name: str, values: list[str]) -> str:
    return f"| {name:<40} | " + " | ".join(f"{v:>8}" for v in values) + " |"


def main(argv: list[str] | None = None) -> int:
    all_configs = _configs()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--limit", type=int, help="first N non-null queries only")
    ap.add_argument("--sample", type=int, help="a random sample of N non-null queries")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--configs", default=",".join(all_configs), help="comma list of: " + ", ".join(all_configs)
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="FIELD=VALUE",
        help="override a RetrievalConfig field in every non-baseline config",
    )
    ap.add_argument("--by-type", action="store_true", help="also print rows per question type")
    ap.add_argument(
        "--memo-queries",
        action="store_true",
        help="cache query vectors on disk (fast tuning; latency then excludes embedding)",
    )
    args = ap.parse_args(argv)

    chunks, emb = load_corpus_index()
    from index.embeddings import bundled_embedder

    memo_path = cache_dir() / "query-vectors.pkl" if args.memo_queries else None
    embedder = (
        MemoEmbedder(bundled_embedder(), memo_path) if args.memo_queries else bundled_embedder()
    )
    t0 = time.perf_counter()
    idx = HybridIndex(chunks, emb, embedder)
    print(f"index: {len(chunks)} chunks, built in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    idx.search("warm up the model", k=10)
    queries = load_queries(args.limit, args.sample, args.seed)
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        current = getattr(RetrievalConfig(), key)
        overrides[key] = type(current)(value) if not isinstance(current, bool) else value == "1"

    header = ["Hits@10", "Hits@4", "MRR@10", "FactR@10", "AllF@10", "p50 ms"]
    lines = [
        _row(f"config (n={len(queries)} dev queries)", header),
        "|" + "-" * 42 + "|" + "|".join("-" * 10 for _ in header) + "|",
    ]
    print("\n".join(lines), flush=True)
    for name in [c.strip() for c in args.configs.split(",") if c.strip()]:
        cfg = all_configs[name]
        if overrides and name not in ("vector", "bm25"):
            cfg = cfg.replace(**overrides)
        res = run_config(idx, cfg, queries)
        m = res["means"]
        vals = [f"{m[k]:.3f}" for k in METRIC_NAMES] + [f"{res['p50_ms']:.1f}"]
        line = _row(name, vals)
        lines.append(line)
        print(line, flush=True)
        if args.by_type:
            for qtype, tm in res["by_type"].items():
                sub = _row(f"  {name} / {qtype}", [f"{tm[k]:.3f}" for k in METRIC_NAMES] + [""])
                lines.append(sub)
                print(sub, flush=True)
        print(f"  ({name}: {res['total_s']:.1f}s for {len(queries)} queries)", file=sys.stderr)
    for name, h10, h4, mrr in PUBLISHED:
        print(_row(name + " †", [f"{h10:.3f}", f"{h4:.3f}", f"{mrr:.3f}", "", "", ""]))
    print("† published on all 2,255 non-null queries (paper, Tables 5-6); not re-run here.")
    if isinstance(embedder, MemoEmbedder):
        embedder.save()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
