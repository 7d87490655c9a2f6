"""Ingest throughput against the plain LlamaIndex pipeline, in the same run, on the same articles.

Baseline: what a user would otherwise write, VectorStoreIndex over ChromaVectorStore with
HuggingFaceEmbedding on the same bundled MiniLM, SentenceSplitter(256, 32), default batch size.
Then the assistant's own ingest in fp32 and in bf16 (autocast), and a re-ingest of the unchanged
articles. Model loads are outside every timing. Each figure is the median of --runs runs.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/ingest_speed.py --articles 100 --runs 3
    .venv/bin/python benchmarks/ingest_speed.py --gate     # + MultiHop-RAG retrieval fp32 vs bf16
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from assistant import Assistant, Settings  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "multihop-rag"


def plain_pipeline(records: list[dict[str, Any]], where: Path) -> Callable[[], int]:
    """The plain LlamaIndex + Chroma pipeline, model loaded; the returned call ingests."""
    from index.offline import go_offline

    go_offline()  # HuggingFaceEmbedding and chromadb load here, outside the product's loaders
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.embeddings import bundled_minilm_dir

    embed = HuggingFaceEmbedding(model_name=str(bundled_minilm_dir()), device="cpu")
    embed.get_text_embedding("warm up")

    def run() -> int:
        client = chromadb.PersistentClient(
            path=str(where / f"plain-{time.monotonic_ns()}"),
            settings=ChromaSettings(anonymized_telemetry=False),
        )
        store = ChromaVectorStore(chroma_collection=client.get_or_create_collection("plain"))
        docs = [
            Document(
                text=r["body"],
                metadata={k: r.get(k) or "" for k in ("title", "source", "published_at")},
            )
            for r in records
        ]
        VectorStoreIndex.from_documents(
            docs,
            storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=embed,
            transformations=[SentenceSplitter(chunk_size=256, chunk_overlap=32)],
        )
        return int(store._collection.count())

    return run


def ours(corpus: Path, where: Path, precision: str) -> Callable[[], int]:
    """The assistant's ingest into a new home per run, model loaded; the returned call ingests."""
    counter = {"n": 0}

    def run() -> int:
        counter["n"] += 1
        home = where / f"ours-{precision}-{counter['n']}"
        s = Settings(home=home, llm="extractive", progress=False, embedding_precision=precision)
        return Assistant(s).ingest([str(corpus)]).embedded_chunks

    # The model load and first-call costs stay outside the timing.
    warm = Settings(home=where / "warm", embedding_precision=precision, progress=False)
    Assistant(warm).embedder.embed(["warm up"] * 16)
    return run


def timed(run: Callable[[], int], runs: int) -> tuple[float, int]:
    times, n = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        n = run()
        times.append(time.perf_counter() - t)
    return statistics.median(times), n


def gate(sample: int | None) -> None:
    """MultiHop-RAG dev retrieval with the corpus encoded in fp32 and in bf16 (the same
    questions, encoded once in fp32 and shared by both runs)."""
    from benchmarks.multihop_retrieval import (
        MemoEmbedder,
        load_corpus_index,
        load_queries,
        run_config,
    )
    from index.embeddings import bundled_embedder
    from index.retrieval import HybridIndex, RetrievalConfig

    queries = load_queries(None, sample, 0)
    questions = MemoEmbedder(bundled_embedder("fp32"))
    rows = {}
    for precision in ("fp32", "bf16"):
        chunks, emb = load_corpus_index(precision=precision)
        idx = HybridIndex(chunks, emb, questions)
        rows[precision] = run_config(idx, RetrievalConfig(), queries)["means"]
    keys = ("hits@10", "mrr@10", "fact_recall@10")
    print(f"\nMultiHop-RAG dev retrieval, {len(queries)} queries (questions encoded in fp32):")
    for p, r in rows.items():
        print(f"  corpus {p}: " + "  ".join(f"{k} {r[k]:.4f}" for k in keys))
    worst = max(abs(rows["bf16"][k] - rows["fp32"][k]) for k in keys)
    print(f"  largest difference {worst:.4f}: {'PASS' if worst <= 0.005 else 'FAIL'} (gate 0.005)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100, help="MultiHop-RAG articles to ingest")
    ap.add_argument("--runs", type=int, default=1, help="runs per pipeline (median reported)")
    ap.add_argument("--gate", action="store_true", help="also the fp32/bf16 retrieval gate")
    ap.add_argument("--gate-only", action="store_true", help="only the retrieval gate")
    ap.add_argument("--gate-sample", type=int, help="a random sample of N dev questions")
    ap.add_argument("--no-baseline", action="store_true", help="skip the plain pipeline")
    args = ap.parse_args()
    if args.gate_only:
        gate(args.gate_sample)
        return
    records = json.loads((DATA / "corpus.json").read_text())[: args.articles]
    print(
        f"{len(records)} MultiHop-RAG articles, median of {args.runs} run(s), model loads excluded"
    )
    print(
        f"{'pipeline':34} {'seconds':>8} {'chunks':>7} {'chunks/s':>9} {'vs plain':>9}", flush=True
    )
    base: tuple[float, int] | None = None

    def row(name: str, sec: float, n: int) -> None:
        ratio = f"{(n / sec) / (base[1] / base[0]):.2f}x" if base else "-"
        print(f"{name:34} {sec:8.1f} {n:7d} {n / sec:9.1f} {ratio:>9}", flush=True)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = tmp / "articles.json"
        corpus.write_text(json.dumps(records))
        if not args.no_baseline:
            base = timed(plain_pipeline(records, tmp), args.runs)
            row("plain LlamaIndex pipeline", *base)
        first = 0.0
        for precision in ("fp32", "bf16"):
            sec, n = timed(ours(corpus, tmp, precision), args.runs)
            row(f"assistant ingest ({precision})", sec, n)
            first = sec
        last = Assistant(Settings(home=tmp / "ours-bf16-1", llm="extractive", progress=False))
        t = time.perf_counter()
        again = last.ingest([str(corpus)])
        t_again = time.perf_counter() - t
    print(f"re-ingest unchanged: {t_again:.2f}s = {t_again / first:.3f}x the first ingest "
          f"({again.summary()})")  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {rss:.0f} MiB")
    if args.gate:
        gate(args.gate_sample)


if __name__ == "__main__":
    main()
