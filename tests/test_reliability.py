"""Nothing lost: crashes at any instant, two writers, readers during a write, broken inputs.

Every test counts what is indexed before and after, and compares the catalog with Chroma.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant, AssistantError, Settings
from index.store import ChunkStore
from tests.conftest import BIN, REPO, SEEDS

pytestmark = pytest.mark.slow

TOPICS = ["harbour", "railway", "library", "orchard", "stadium", "bakery", "museum", "bridge"]


def make(home: Path, **kw: object) -> Assistant:
    return Assistant(Settings(home=home, llm="extractive", progress=False, **kw))


def write_articles(folder: Path, n: int, version: int = 0) -> None:
    """n short articles (one chunk each); `version` changes every third one's text."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        count = 100 + i + (1000 * version if i % 3 == 0 else 0)
        (folder / f"a{i:03d}.txt").write_text(
            f"The {topic} of town {i} reopens\nOfficials said the {topic} in town {i} counted "
            f"{count} visitors on its first day, and the council will review it in spring.\n",
            encoding="utf-8",
        )


def consistent(a: Assistant) -> tuple[int, int]:
    """(articles, chunks) after asserting every article once, no orphans, catalog = Chroma."""
    catalog = a.home.catalog
    assert catalog.pending() == []
    rows = catalog.articles()
    keys = [r["key"] for r in rows]
    assert len(keys) == len(set(keys)), "an article is indexed twice"
    in_catalog = catalog.all_chunk_ids()
    store = a.home.open_store()
    try:
        assert store.ids() == in_catalog, "Chroma and the catalog disagree"
    finally:
        store.close()
    per_doc = {r["doc_id"]: r["n_chunks"] for r in rows}
    assert sum(per_doc.values()) == len(in_catalog)
    return len(rows), len(in_catalog)


INGEST = (
    "import sys; from assistant import Assistant, Settings; "
    "a = Assistant(Settings(llm='extractive', progress=False)); a.embedder.embed(['warm']); "
    "print('ready', flush=True); a.ingest(sys.argv[1:]); print('done', flush=True)"
)


def start_ingest(home: Path, *targets: str) -> subprocess.Popen[str]:
    env = dict(os.environ, ASSISTANT_HOME=str(home))
    return subprocess.Popen(
        [sys.executable, "-c", INGEST, *targets],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )  # fmt: skip


def wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line


@pytest.mark.timeout(900)
def test_sigkill_at_random_points_loses_nothing(tmp_path: Path) -> None:
    folder, home = tmp_path / "news", tmp_path / "home"
    write_articles(folder, 200)
    rng = random.Random(20261129)
    # How long a whole ingest takes here, to spread the kills over it.
    t0 = time.monotonic()
    proc = start_ingest(home, str(folder))
    wait_ready(proc)
    t_ready = time.monotonic()
    assert proc.wait(timeout=600) == 0, proc.stderr.read() if proc.stderr else ""
    span = time.monotonic() - t_ready
    a = make(home)
    assert consistent(a) == (200, 200)
    kills = 0
    for round_ in range(10):
        write_articles(folder, 200, version=round_ + 1)  # a third of them change every round
        for stale in folder.glob("x*.txt"):
            stale.unlink()
        (folder / f"x{round_}.txt").write_text(
            f"Extra {round_}\nA new article number {round_} about the ferry.\n", "utf-8"
        )
        proc = start_ingest(home, str(folder))
        wait_ready(proc)
        time.sleep(rng.uniform(0.0, span * 0.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        # Whatever instant it died at, a reader sees a consistent catalog (maybe one to finish).
        assert make(home).status()["documents"] >= 200
    assert kills >= 5, f"only {kills} of 10 ingests were killed mid-way ({span=:.1f}s)"
    final = make(home)
    report = final.ingest([str(folder)])
    assert consistent(final) == (201, 201)
    assert final.ingest([str(folder)]).embedded_chunks == 0
    assert report.count("rejected") == 0 and time.monotonic() - t0 < 900


@pytest.mark.timeout(600)
def test_two_ingests_at_once_on_one_home(tmp_path: Path) -> None:
    one, two, home = tmp_path / "one", tmp_path / "two", tmp_path / "home"
    write_articles(one, 40)
    write_articles(two, 40, version=7)
    for f in two.iterdir():  # other keys and other texts than folder one's
        f.rename(two / f"b{f.name}")
    procs = [start_ingest(home, str(one)), start_ingest(home, str(two))]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0 and "done" in out, err
    a = make(home)
    n_docs, _ = consistent(a)
    # Folder two's unchanged-text articles duplicate folder one's: indexed once.
    assert n_docs == 40 + sum(1 for i in range(40) if i % 3 == 0)


@pytest.mark.timeout(600)
def test_questions_during_an_ingest(seeded_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write_articles(folder, 150)
    a = make(seeded_copy)
    question = "How many Ukrainian drones did Russia's Ministry of Defense say it intercepted?"
    assert "84" in a.ask(question).answer
    proc = start_ingest(seeded_copy, str(folder))
    wait_ready(proc)
    answered = 0
    while proc.poll() is None and answered < 50:
        ans = a.ask(question)
        assert "84" in ans.answer and not ans.refused
        answered += 1
    assert proc.wait(timeout=600) == 0
    assert answered >= 1
    assert consistent(a)[0] == 151
    assert (
        "visitors"
        in make(seeded_copy).ask("How many visitors did the harbour of town 8 count?").answer
    )


def test_crash_between_chroma_write_and_catalog_commit_keeps_the_old_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "news"
    write_articles(folder, 3)
    a = make(tmp_path / "home")
    a.ingest([str(folder)])
    before = {r["doc_id"]: r["content_hash"] for r in a.home.catalog.articles()}
    write_articles(folder, 3, version=1)  # a000 changes

    def crash(*args: object, **kw: object) -> None:
        raise KeyboardInterrupt  # as a Ctrl-C or a kill would, after the new chunks are in Chroma

    monkeypatch.setattr("index.catalog.Catalog.commit", crash)
    with pytest.raises(KeyboardInterrupt):
        a.ingest([str(folder)])
    monkeypatch.undo()
    # The old text is still what is indexed and answered from.
    b = make(tmp_path / "home")
    assert {r["doc_id"]: r["content_hash"] for r in b.home.catalog.articles()} == before
    assert "100 visitors" in b.ask("How many visitors did the harbour of town 0 count?").answer
    report = b.doctor()
    assert any("unfinished" in p or "not in the catalog" in p for p in report["problems"])
    fixed = b.doctor(repair=True)
    assert fixed["ok"] and b.doctor()["problems"] == []
    assert consistent(b) == (3, 3)
    assert b.ingest([str(folder)]).count("replaced") == 1
    assert "1100 visitors" in b.ask("How many visitors did the harbour of town 0 count?").answer


def test_reingest_with_a_broken_or_emptied_file_keeps_its_articles(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write_articles(folder, 2)
    recs = folder / "recs.jsonl"
    lines = [
        {"title": f"Record {i}", "body": f"Record {i} says the ferry carried {i * 7} cars.",
         "url": f"https://r.test/{i}"}
        for i in range(3)
    ]  # fmt: skip
    recs.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    a = make(tmp_path / "home")
    assert a.ingest([str(folder)]).count("indexed") == 5
    for broken in (b"\x00\x01\x02binary\xff\xfe", b"{not json at all\n", b""):
        recs.write_bytes(broken)
        (folder / "a000.txt").write_bytes(b"\xff\xfe\x00\x00" * 4)  # binary now
        report = a.ingest([str(folder)])
        assert report.count("removed") == 0, report.summary()
        assert report.count("kept") >= 3
        assert consistent(a) == (5, 5)
    # A readable file that lost a record: that record goes.
    recs.write_text("\n".join(json.dumps(r) for r in lines[:2]) + "\n", encoding="utf-8")
    report = a.ingest([str(folder)])
    assert report.count("removed") == 1
    assert consistent(a)[0] == 4


def test_chroma_server_restarted_between_questions(tmp_path: Path) -> None:
    from tests.conftest import free_port, stop, wait_for_port

    port = free_port()
    path = tmp_path / "chroma-server"

    def serve() -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            [str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1",
             "--port", str(port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, ANONYMIZED_TELEMETRY="False"),
        )  # fmt: skip
        wait_for_port(port, proc)
        return proc

    s = Settings(home=tmp_path / "home", llm="extractive", progress=False,
                 chroma_host="127.0.0.1", chroma_port=port)  # fmt: skip
    proc = serve()
    a = Assistant(s)
    a.ingest([str(SEEDS)])
    question = "Who warned that the Kurakhove reservoir dam damage could cause flooding?"
    assert "Filashkin" in a.ask(question).answer
    stop(proc)
    # Questions read the catalog: they go on while the server is down.
    assert "Filashkin" in a.ask(question).answer
    with pytest.raises(AssistantError, match="ASSISTANT_CHROMA_HOST"):
        a.ingest([str(tmp_path)])
    proc = serve()
    try:
        assert "Filashkin" in Assistant(s).ask(question).answer
        assert a.ingest([str(SEEDS)]).embedded_chunks == 0
        assert a.doctor()["problems"] == []
    finally:
        stop(proc)


def test_corrupt_catalog_is_repaired_from_chroma(seeded_copy: Path) -> None:
    a = make(seeded_copy)
    n = a.status()["chunks"]
    (seeded_copy / "catalog.sqlite3").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (seeded_copy / f"catalog.sqlite3{suffix}").unlink(missing_ok=True)
    with pytest.raises(AssistantError, match="doctor --repair"):
        make(seeded_copy).status()
    report = make(seeded_copy).doctor(repair=True)
    assert report["repaired"] and make(seeded_copy).status()["chunks"] == n
    assert "84" in make(seeded_copy).ask("How many drones did Russia say it intercepted?").answer


def test_legacy_manifest_home_is_migrated(tmp_path: Path) -> None:
    """A home written by the previous version (manifest.json + Chroma) opens as before."""
    home = tmp_path / "home"
    a = make(home)
    a.ingest([str(SEEDS)])
    rows = a.home.catalog.articles()
    ids = a.home.catalog.chunk_ids(rows[0]["doc_id"])
    manifest = {
        "version": 1,
        "embedding_model": "all-MiniLM-L6-v2",
        "documents": {r["doc_id"]: {**r, "chunk_ids": ids} for r in rows},
    }
    a.home.catalog.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{home / 'catalog.sqlite3'}{suffix}").unlink(missing_ok=True)
    (home / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    b = make(home)
    assert b.status()["documents"] == 1 and b.status()["chunks"] == len(ids)
    assert not (home / "manifest.json").exists()
    assert b.ingest([str(SEEDS)]).embedded_chunks == 0


def test_chroma_is_closed_between_writes(seeded_copy: Path) -> None:
    """Another process may open the embedded store once a write is over (single writer)."""
    a = make(seeded_copy)
    a.ask("How many drones did Russia say it intercepted?")
    store = ChunkStore("all-MiniLM-L6-v2", 384, seeded_copy / "chroma")
    assert store.count() == a.status()["chunks"]
    store.close()


def test_a_huge_question_is_declined_with_its_reason(seeded_copy: Path) -> None:
    ans = make(seeded_copy).ask("How many drones? " * 6000)  # about 100 KB
    assert ans.refused and ans.refusal_reason is not None
    assert ans.refusal_reason.code == "question_too_long" and ans.citations == []
