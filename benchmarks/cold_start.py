"""Process start to answer: `assistant ask` run N times as a user runs it, the median wall time
beside `assistant --help` (the floor: Python, the settings and the argument parser) and,
optionally, the same ask at an earlier commit (a git worktree run by the same interpreter).

Each run is a fresh process on an index that exists (ASSISTANT_HOME), so it pays what every
start pays: imports, the catalog and lexicon load, the embedder, the answer. CPU seconds
(user + system) are printed beside the wall time: on a shared 2-core machine the wall time
moves with the other jobs, the CPU time much less.

    ASSISTANT_HOME=/tmp/mh-home .venv/bin/python benchmarks/cold_start.py --runs 5
    ASSISTANT_HOME=/tmp/mh-home .venv/bin/python benchmarks/cold_start.py --before 17d5d05
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Which company did TechCrunch report raised funding?"


def run_once(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """(wall s, CPU s of the child, its stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stdout


def series(label: str, args: list[str], cwd: Path, env: dict[str, str], runs: int) -> float:
    walls, cpus = [], []
    note = ""
    for _ in range(runs):
        wall, cpu, out = run_once(args, cwd, env)
        walls.append(wall)
        cpus.append(cpu)
        if "--json" in args:
            got = json.loads(out)
            note = f"  answer: {got['answer'][:60]!r}"
    med = statistics.median(walls)
    print(
        f"{label:<34} median {med:6.2f} s  runs {' '.join(f'{w:.2f}' for w in walls)}  "
        f"CPU median {statistics.median(cpus):5.2f} s  load {os.getloadavg()[0]:.1f}{note}",
        flush=True,
    )
    return med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--question", default=QUESTION)
    ap.add_argument("--llm", default="local", help="ASSISTANT_LLM for the ask runs")
    ap.add_argument("--before", metavar="REV", help="also time the ask at this commit")
    args = ap.parse_args()
    if not os.environ.get("ASSISTANT_HOME"):
        sys.exit("set ASSISTANT_HOME to an ingested home (see benchmarks/multihop_retrieval.py)")
    env = dict(os.environ, ASSISTANT_LLM=args.llm, ASSISTANT_PROGRESS="0")
    ask = ["ask", args.question, "--json"]
    print(f"home {env['ASSISTANT_HOME']}, {args.runs} runs each, LLM {args.llm}")
    run_once(ask, REPO, env)  # warm the page cache: every run after reads files from memory
    floor = series("assistant --help (baseline)", ["--help"], REPO, env, args.runs)
    now = series("assistant ask (this tree)", ask, REPO, env, args.runs)
    print(f"{'ask minus --help':<34} {now - floor:6.2f} s")
    if args.before:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "before"
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(tree), args.before],
                cwd=REPO,
                check=True,
                capture_output=True,
            )
            try:
                run_once(ask, tree, env)
                old = series(f"assistant ask (at {args.before})", ask, tree, env, args.runs)
                print(f"{'speed-up':<34} {old / now:6.2f}x")
            finally:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(tree)],
                    cwd=REPO,
                    check=False,
                    capture_output=True,
                )


if __name__ == "__main__":
    main()
