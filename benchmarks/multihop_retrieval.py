"""Retrieval benchmark on MultiHop-RAG (dev split): plain vector, plain BM25, then each
improvement added one at a time, scored with assistant.retrieval_metrics.

    .venv/bin/python benchmarks/multihop_retrieval.py --by-type       # all configs, all queries
    .venv/bin/python benchmarks/multihop_retrieval.py --sample 300 --seed 1 --configs bm25,+rerank=full
    .venv/bin/python benchmarks/multihop_retrieval.py --memo-queries --fit-reranker   # refit weights

The chunked and embedded corpus is cached once under $ASSISTANT_HOME/bench-cache (or
/tmp/multihop-cache) and reused; it is never written inside the repository. Latency is per
question, query embedding included (unless --memo-queries), with torch on one thread.
"""

# ruff: noqa: E402  (numpy is imported after quiet_blas_threads, which must come first)
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index import quiet_blas_threads

quiet_blas_threads()  # before numpy loads OpenBLAS, as the product's entry points do

import numpy as np

from assistant.retrieval_metrics import METRIC_NAMES, RetrievalScores
from index.chunking import Chunk, chunk_article
from index.embeddings import Embedder, bundled_embedder
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
    it; "+rerank=full" is the shipped default (RetrievalConfig())."""
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
    rows["+rerank=full"] = RetrievalConfig()
    # Variations of the full method, measured and left out of it:
    rows["full-no-dense"] = RetrievalConfig(bm25_weight=1.0)
    rows["full-max2-per-article"] = RetrievalConfig(max_per_doc=2)
    rows["decompose-no-metadata"] = plain.replace(decompose=True)
    return rows


def cache_dir() -> Path:
    home = os.environ.get("ASSISTANT_HOME")
    root = Path(home) / "bench-cache" if home else Path("/tmp/multihop-cache")
    repo = Path(__file__).resolve().parent.parent
    if repo in root.resolve().parents or root.resolve() == repo:
        root = Path("/tmp/multihop-cache")
    root.mkdir(parents=True, exist_ok=True)
    return root


def load_corpus_index(
    chunk_size: int = 256, chunk_overlap: int = 32, precision: str = "fp32"
) -> tuple[list[Chunk], Any]:
    """Chunks and their MiniLM vectors for corpus.json, from the cache when it is current;
    precision is the numeric path of the corpus encode (fp32 or bf16; questions stay fp32)."""
    corpus = DATA_DIR / "corpus.json"
    digest = hashlib.sha1(corpus.read_bytes()).hexdigest()[:12]
    tag = "" if precision == "fp32" else f"-{precision}"
    stem = cache_dir() / f"corpus-{digest}-{chunk_size}-{chunk_overlap}{tag}"
    pkl, npy = stem.with_suffix(".chunks.pkl"), stem.with_suffix(".emb.npy")
    if pkl.exists() and npy.exists():
        with pkl.open("rb") as fh:
            chunks = pickle.load(fh)
        return chunks, np.load(npy)
    t0 = time.perf_counter()
    chunks = [
        c for a in load_json_records(corpus) for c in chunk_article(a, chunk_size, chunk_overlap)
    ]
    print(f"chunked {len(chunks)} chunks in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    emb = bundled_embedder(precision).embed([embed_text(c) for c in chunks])
    print(f"embedded in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    with pkl.open("wb") as fh:
        pickle.dump(chunks, fh)
    np.save(npy, emb)
    return chunks, emb


class MemoEmbedder(Embedder):
    """Wraps an embedder and remembers query vectors (optionally on disk) so tuning runs can
    skip re-embedding; latency is then retrieval-only and reported as such."""

    def __init__(self, inner: Embedder, path: Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.path = path
        self.memo: dict[str, np.ndarray] = {}
        if path and path.exists():
            with path.open("rb") as fh:
                self.memo = pickle.load(fh)
        self.dirty = False

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
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
    cpu: list[float] = []
    for q in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        hits = idx.search(q["query"], k=10, config=cfg)
        latencies.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        texts = [h.chunk.text for h in hits]
        facts = [e["fact"] for e in q["evidence_list"]]
        scores.add(texts, facts)
        by_type.setdefault(q["question_type"], RetrievalScores()).add(texts, facts)
    return {
        "means": scores.means(),
        "by_type": {t: s.means() for t, s in sorted(by_type.items())},
        "p50_ms": 1000 * statistics.median(latencies),
        "total_s": sum(latencies),
        # CPU time of this process per question (all its threads): on a shared machine it
        # compares two versions where the wall clock cannot.
        "cpu_ms": 1000 * statistics.mean(cpu),
        "cpu_p50_ms": 1000 * statistics.median(cpu),
    }


def fit_reranker(
    idx: HybridIndex, queries: list[dict[str, Any]], cfg: RetrievalConfig, folds: int = 5
) -> str:
    """Fit index.rerank's logistic weights on the questions and print two held-out checks.

    - k-fold: train on the other folds' questions, rank this fold's candidates;
    - strict: the same, but training also drops every question that shares an evidence
      article with the test fold, so the model cannot learn which chunks are popular evidence.
    Returns the Python text of FEATURES' weights to paste into index/rerank.py.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    from assistant.retrieval_metrics import squash
    from index.rerank import FEATURES

    rows = []
    for q in queries:
        cand, x = idx.candidate_features(q["query"], None, cfg)
        facts = [squash(e["fact"]) for e in q["evidence_list"]]
        texts = [squash(idx.chunks[i].text) for i in cand]
        y = np.array([any(f in t for f in facts) for t in texts])
        docs = {idx.chunks[i].doc_id for i, hit in zip(cand, y, strict=True) if hit}
        rows.append((q, cand, x, y, docs))
    fold_of = np.random.RandomState(0).randint(0, folds, len(rows))

    def fit(idxs: list[int]) -> tuple[StandardScaler, LogisticRegression]:
        x = np.concatenate([rows[i][2] for i in idxs])
        y = np.concatenate([rows[i][3] for i in idxs])
        scaler = StandardScaler().fit(x)
        return scaler, LogisticRegression(C=1.0, max_iter=5000).fit(scaler.transform(x), y)

    for mode in ("k-fold", "strict"):
        scores = RetrievalScores()
        for f in range(folds):
            test = [i for i in range(len(rows)) if fold_of[i] == f]
            held = set().union(*(rows[i][4] for i in test)) if mode == "strict" else set()
            train = [i for i in range(len(rows)) if fold_of[i] != f and not rows[i][4] & held]
            scaler, model = fit(train)
            for i in test:
                q, cand, x, _, _ = rows[i]
                prob = model.predict_proba(scaler.transform(x))[:, 1]
                top = cand[np.argsort(-prob, kind="stable")][:10]
                scores.add(
                    [idx.chunks[j].text for j in top], [e["fact"] for e in q["evidence_list"]]
                )
        m = scores.means()
        print(f"{mode:>7} held-out: " + "  ".join(f"{k} {m[k]:.3f}" for k in METRIC_NAMES))
    scaler, model = fit(list(range(len(rows))))
    w = model.coef_[0] / scaler.scale_
    b = float(model.intercept_[0] - np.sum(model.coef_[0] * scaler.mean_ / scaler.scale_))
    body = "".join(f'    "{n}": {v:.3f},\n' for n, v in zip(FEATURES, w, strict=True))
    return f"WEIGHTS = {{\n{body}}}\nINTERCEPT = {b:.3f}\n"


def _row(name: str, values: list[str]) -> str:
    return f"| {name:<40} | " + " | ".join(f"{v:>8}" for v in values) + " |"


def main(argv: list[str] | None = None) -> int:
    all_configs = _configs()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--limit", type=int, help="first N non-null queries only")
    ap.add_argument("--sample", type=int, help="a random sample of N non-null queries")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--precision", default="fp32", choices=["fp32", "bf16"],
        help="numeric path of the corpus encode (the ingest gate compares the two)",
    )  # fmt: skip
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
    ap.add_argument(
        "--fit-reranker",
        action="store_true",
        help="fit index/rerank.py's weights on the queries (prints held-out checks and weights)",
    )
    ap.add_argument(
        "--torch-threads",
        type=int,
        default=1,
        help="torch threads for query embedding (default 1: on this shared 2-core machine two "
        "threads made one MiniLM query encode take ~500 ms instead of ~10 ms)",
    )
    args = ap.parse_args(argv)
    if args.torch_threads > 0:
        import torch

        torch.set_num_threads(args.torch_threads)

    chunks, emb = load_corpus_index(precision=args.precision)
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
    if args.fit_reranker:
        print(fit_reranker(idx, queries, RetrievalConfig().replace(**overrides)))
        if isinstance(embedder, MemoEmbedder):
            embedder.save()
        return 0

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
        print(
            f"  ({name}: {res['total_s']:.1f}s for {len(queries)} queries; CPU per question "
            f"{res['cpu_ms']:.1f} ms mean, {res['cpu_p50_ms']:.1f} ms median; "
            f"load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    for name, h10, h4, mrr in PUBLISHED:
        print(_row(name + " †", [f"{h10:.3f}", f"{h4:.3f}", f"{mrr:.3f}", "", "", ""]))
    print("† published on all 2,255 non-null queries (paper, Tables 5-6); not re-run here.")
    if isinstance(embedder, MemoEmbedder):
        embedder.save()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
