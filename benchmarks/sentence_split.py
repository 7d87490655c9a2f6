"""Which sentence splitter for index.text: the toolkit's regex, nltk's punkt (the punkt_tab
data LlamaIndex ships, so it works offline) or pysbd, on MultiHop-RAG article bodies.

    .venv/bin/python benchmarks/sentence_split.py --articles 60 --show 40 --seed 1

There is no gold segmentation of the corpus, so the script lists the places where the
splitters disagree (a boundary one puts and another does not) with context, for a person to
judge. Measured on 60 articles (seed 1), Nov 2026:

    splitter  in-line boundaries  time (60 articles)
    regex     2888                 ~50 ms
    punkt     3025                 ~200 ms
    pysbd     2727                 ~5 s
    (pysbd, measured from a --target install outside .venv: it is not a dependency)

Of 48 sampled disagreements judged by hand (the regex before its last two fixes), the regex
was wrong at 8, punkt at 15, pysbd at 26. punkt splits after "No." ("No. 1 wideout") and
"K.C.", and misses ends after "p.m."; pysbd keeps a quotation's sentences together
('... consider that. The current ...'), which the check must see apart. The regex's misses were
sentences opening with "$" or a dash and dotted initials ("A.J. Dillon"); both are fixed
(index/text.py), leaving mostly emoji and lower-case openings. So the toolkit keeps the regex.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.text import split_sentences

DATA = Path(os.environ.get("MULTIHOP_DATA", "/work/shared/data/multihop-rag"))
Splitter = Callable[[str], list[tuple[int, int]]]


def _punkt() -> Splitter:
    import nltk.data
    from llama_index.core import utils
    from nltk.tokenize import PunktTokenizer

    # LlamaIndex's bundled punkt_tab (what its SentenceSplitter uses): no download.
    nltk.data.path.append(str(Path(utils.__file__).parent / "_static" / "nltk_cache"))

    tok = PunktTokenizer("english")

    def spans(text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for block_start, block in _blocks(text):
            out.extend((block_start + a, block_start + b) for a, b in tok.span_tokenize(block))
        return out

    return spans


def _pysbd() -> Splitter | None:
    try:
        import pysbd
    except ImportError:
        return None
    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def spans(text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for block_start, block in _blocks(text):
            for s in seg.segment(block):
                piece = s.sent.rstrip()
                if piece.strip():
                    out.append((block_start + s.start, block_start + s.start + len(piece)))
        return out

    return spans


def _blocks(text: str) -> list[tuple[int, str]]:
    """Paragraphs (every splitter ends a sentence at a newline, as the regex does)."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, line))
        pos += len(line) + 1
    return out


def boundaries(spans: list[tuple[int, int]], text: str) -> set[int]:
    """Offsets where a sentence ends inside a line (newline ends are shared by all)."""
    return {b for _, b in spans[:-1] if "\n" not in text[b : b + 2] and b < len(text.rstrip())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=40, help="disagreements to print")
    args = ap.parse_args()
    corpus = json.loads((DATA / "corpus.json").read_text())
    random.Random(args.seed).shuffle(corpus)
    texts = [a["body"] for a in corpus[: args.articles]]
    splitters: dict[str, Splitter] = {"regex": split_sentences, "punkt": _punkt()}
    sbd = _pysbd()
    if sbd is not None:
        splitters["pysbd"] = sbd
    found: dict[str, list[set[int]]] = {}
    for name, fn in splitters.items():
        t = time.perf_counter()
        found[name] = [boundaries(fn(x), x) for x in texts]
        ms = (time.perf_counter() - t) * 1000
        n = sum(len(b) for b in found[name])
        print(f"{name:6s} {n:6d} in-line boundaries  {ms:8.1f} ms for {len(texts)} articles")
    names = list(splitters)
    rows: list[tuple[int, int, str]] = []
    for i in range(len(texts)):
        every = set().union(*(found[n][i] for n in names))
        for b in sorted(every):
            who = "".join("+" if b in found[n][i] else "-" for n in names)
            if "-" in who:
                rows.append((i, b, who))
    print(f"disagreements: {len(rows)}  (columns: {' '.join(names)}; + = splits there)")
    pattern_counts: dict[str, int] = {}
    for _, _, who in rows:
        pattern_counts[who] = pattern_counts.get(who, 0) + 1
    for who, n in sorted(pattern_counts.items(), key=lambda kv: -kv[1]):
        print(f"  {who}  {n}")
    random.Random(args.seed).shuffle(rows)
    for i, b, who in rows[: args.show]:
        ctx = texts[i][max(0, b - 60) : b] + " || " + texts[i][b : b + 40]
        print(f"{who} a{i}@{b}: {' '.join(ctx.split())}")


if __name__ == "__main__":
    main()
