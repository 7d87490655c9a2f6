"""Which entailment rule drops which probes, on how many articles? (issue 15, round 4)

For every probe of the dev and test2 splits only (never another split: a held-apart split
is measured by the lead), runs the check alone as benchmarks/entailment_probes.py does and
records each rule's reasons, by wrapping the rule functions that
assistant.entailment.contradictions calls. Per rule it prints how many faithful probes it
fires on (and on how many articles), how many it alone drops (removing it would keep them),
and the same for unfaithful probes it catches. A rule that catches unfaithful sentences on
one or two articles while dropping faithful paraphrases elsewhere is fitted, not general.

    nice -n 10 .venv/bin/python benchmarks/entailment_rule_audit.py [--off RULE,...] [--json OUT]

--off switches rules off (their reasons are recorded but ignored) to measure what removing
them would do, split by split.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SPLITS = ("dev", "test2", "test3")  # never any other split (test4 is held apart)
RULES = [
    "_number_owner", "_number_predicate", "_quotes", "_temporal", "polarity", "attachment",
    "verb_numbers", "roles", "subject_swap", "attribution", "hedges", "intent",
    "restriction", "blame", "ranks", "admission", "price", "slot_opposites", "negation_heads",
    "role_cross", "possessor_swap", "tense_overclaim", "evidence_overclaim",
]  # fmt: skip
# Reasons contradictions() writes itself, and sub-rules told apart by their wording.
_INLINE = [
    ("merged-numbers", r"belongs to another sentence than its clause"),
    ("number-absent", r"^number .* is not in the aligned sentence"),
    ("actor-absent", r"^actor .* is not in the aligned sentence"),
    ("name-absent", r"^name .* or just before it"),
]
_SUB = {
    "polarity": [
        ("negated", r"claim is negated"),
        ("confirm-deny", r"confirms what the passage denies|denies what the passage confirms"),
        ("passage-denies", r"passage denies or declines"),
        ("claim-denies", r"claim denies what the passage asserts"),
        ("passage-negates", r"passage negates"),
        ("antonym", r"is the opposite of"),
    ],
    "roles": [
        ("swap", r"swap roles"),
        ("object", r"where the passage has [A-Za-z]+$"),
        ("modifier", r"where the passage has"),
    ],
}


def rule_of(fn: str, reason: str) -> str:
    for sub, pat in _SUB.get(fn, []):
        if re.search(pat, reason):
            return f"{fn}:{sub}"
    return fn


def instrument(off: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Wrap the rule functions; returns the log they fill (claim -> [(rule, reason)])."""
    from assistant import entailment

    log: dict[str, list[tuple[str, str]]] = defaultdict(list)
    current: dict[str, str] = {}

    def wrap(name: str, fn: Callable[..., list[str]]) -> Callable[..., list[str]]:
        def inner(*args: Any, **kw: Any) -> list[str]:
            out = fn(*args, **kw)
            kept = []
            for r in out:
                rule = rule_of(name, r)
                log[current["claim"]].append((rule, r))
                if not (rule in off or name in off):
                    kept.append(r)
            return kept

        return inner

    for name in RULES:
        setattr(entailment, name, wrap(name, getattr(entailment, name)))
    original = entailment.contradictions

    def contradictions(claim: str, ctx: Any) -> list[str]:
        current["claim"] = claim
        before = len(log[claim])
        out = original(claim, ctx)
        wrapped = {r for _, r in log[claim][before:]}
        kept = []
        for r in out:
            if r in wrapped:
                kept.append(r)
                continue
            rule = next((n for n, pat in _INLINE if re.search(pat, r)), "other")
            log[claim].append((rule, r))
            if rule not in off:
                kept.append(r)
        return kept

    entailment.contradictions = contradictions
    import assistant.citations as citations

    citations.contradictions = contradictions  # type: ignore[attr-defined]
    return log


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--off", default="", help="comma-separated rules to switch off")
    ap.add_argument("--json", help="write every probe's verdict and reasons here")
    ap.add_argument("--verbose", action="store_true", help="print every wrong verdict")
    ap.add_argument("--probes", type=Path, help="another probe file (all its splits are read)")
    ap.add_argument(
        "--verbatim", type=int, default=0,
        help="instead: N MultiHop articles' own sentences (and their first clauses) against "
        "their own chunks; every rule that fires there is a false alarm",
    )  # fmt: skip
    args = ap.parse_args()
    off = {r for r in args.off.split(",") if r}
    from assistant.citations import CitationChecker
    from benchmarks.entailment_probes import articles_for, cite, load_probes, passage_for, reached
    from index.embeddings import bundled_embedder
    from index.retrieval import Hit

    log = instrument(off)
    if args.verbatim:
        verbatim(args.verbatim, log)
        return
    if args.probes:
        probes = load_probes(args.probes, split="all")
    else:
        probes = [p for p in load_probes(split="all") if p.split in SPLITS]
    splits = sorted({p.split for p in probes})
    articles = articles_for(probes)
    checker = CitationChecker(bundled_embedder())
    rows: list[dict[str, Any]] = []
    for p in probes:
        hit = Hit(passage_for(p, articles), score=1.0)
        res = checker.check(cite(p.sentence, 1), [hit], None)
        fired = [x for claim_log in log.values() for x in claim_log]
        log.clear()
        ok = reached(p.sentence, res.text)
        rows.append({
            "id": p.id, "split": p.split, "label": p.label, "kind": p.kind,
            "article": p.seed or p.url, "kept": ok, "sentence": p.sentence,
            "rules": sorted({r for r, _ in fired if r not in off and r.split(":")[0] not in off}),
            "reasons": [f"{r}: {t}" for r, t in fired]
            + [f"check: {t}" for ts in res.reasons.values() for t in ts if not fired],
        })  # fmt: skip
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    print(f"commit {commit} (+ working tree); off: {sorted(off) or 'none'}")
    for split in splits:
        f = [r for r in rows if r["split"] == split and r["label"] == "faithful"]
        u = [r for r in rows if r["split"] == split and r["label"] != "faithful"]
        fk, ur = sum(r["kept"] for r in f), sum(r["kept"] for r in u)
        print(f"{split}: faithful kept {fk}/{len(f)} = {fk / len(f):.1%}; "
              f"unfaithful through {ur}/{len(u)} = {ur / len(u):.1%}")  # fmt: skip
    audit(rows)
    if args.verbose:
        for r in rows:
            if r["kept"] != (r["label"] == "faithful"):
                print(f"  {r['split']} {r['id']} {r['label']} {r['kind']}: {r['sentence']}")
                for why in r["reasons"]:
                    print(f"      {why}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")


def audit(rows: list[dict[str, Any]]) -> None:
    """Per rule: faithful probes it drops (alone) and unfaithful ones it catches (alone)."""
    stats: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r["kept"]:
            continue
        side = "F" if r["label"] == "faithful" else "U"
        for rule in r["rules"]:
            stats[rule][side].append(r)
            if len(r["rules"]) == 1:
                stats[rule][side + "1"].append(r)
    print(f"{'rule':28s} {'faithful dropped':>22s} {'unfaithful caught':>22s}")
    print(f"{'':28s} {'all/alone/articles':>22s} {'all/alone/articles':>22s}")
    for rule in sorted(stats, key=lambda k: -len(stats[k]["U"])):
        s = stats[rule]

        def cell(side: str, s: dict[str, list[Any]] = s) -> str:
            arts = len({r["article"] for r in s[side]})
            return f"{len(s[side])}/{len(s[side + '1'])}/{arts}"

        print(f"{rule:28s} {cell('F'):>22s} {cell('U'):>22s}")


def verbatim(n_articles: int, log: dict[str, list[tuple[str, str]]]) -> None:
    """Rules that fire on an article's own sentences, or their first clause, cited to their
    own chunk: each is a false alarm (articles of no probe of any split, a fixed sample)."""
    import random

    from assistant.citations import CitationChecker
    from assistant.text import sentences
    from benchmarks.entailment_probes import MULTIHOP, load_probes
    from index.chunking import chunk_article
    from index.loaders import load_json_records
    from index.retrieval import Hit

    # Every probe's article is left out, held-apart splits' too (only to exclude them: no
    # probe of another split than SPLITS is evaluated here).
    used = {p.url for p in load_probes(split="all")}
    arts = [a for a in load_json_records(MULTIHOP) if a.url not in used]
    random.Random(4).shuffle(arts)
    checker = CitationChecker(None)
    fired: dict[str, list[str]] = defaultdict(list)
    total = 0
    for a in arts[:n_articles]:
        for chunk in chunk_article(a)[:3]:
            hit = Hit(chunk, score=1.0)
            for sent in sentences(chunk.text):
                if not 8 <= len(sent.split()) <= 40:
                    continue
                first = re.split(r",\s+(?:and|but|while)\s+|;\s+", sent)[0]
                for claim in {sent, first}:
                    if len(claim.split()) < 6:
                        continue
                    total += 1
                    log.clear()
                    checker.support(claim, chunk.text, hit)
                    for rule in {r for r, _ in log.get(claim, [])}:
                        fired[rule].append(
                            f"{claim}  <<  {next(t for r, t in log[claim] if r == rule)}"
                        )
    print(f"{total} verbatim claims from {min(n_articles, len(arts))} articles")
    for rule, hits in sorted(fired.items(), key=lambda kv: -len(kv[1])):
        print(f"{rule:28s} fires on {len(hits)}")
        for h in hits[:4]:
            print(f"      {h[:300]}")


if __name__ == "__main__":
    main()
