"""Incremental ingestion against real embedded Chroma and the bundled MiniLM."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from assistant import Assistant, AssistantError, Settings
from tests.conftest import SEEDS

pytestmark = pytest.mark.slow

STORY = "Flood closes bridge\nThe river rose 3 metres on Tuesday and the old bridge was closed.\n"


def make(home: Path, **kw: object) -> Assistant:
    return Assistant(Settings(home=home, llm="extractive", progress=False, **kw))


def chroma(a: Assistant) -> dict[str, list]:
    """What the Chroma collection itself holds (ids and documents)."""
    store = a.home.open_store()
    try:
        return dict(store.collection.get(include=["documents"]))
    finally:
        store.close()


def test_reingest_same_folder_embeds_nothing(seeded_copy: Path) -> None:
    a = make(seeded_copy)
    before = a.status()
    report = a.ingest([str(SEEDS)])
    assert report.embedded_chunks == 0
    assert report.count("unchanged") == 1 and not report.changed
    assert a.status()["chunks"] == before["chunks"]


def test_changed_file_is_replaced_and_removed_file_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "b.txt").write_text("Mayor resigns\nThe mayor resigned on Friday.\n", "utf-8")
    a = make(tmp_path / "home")
    assert a.ingest([str(folder)]).count("indexed") == 2
    (folder / "a.txt").write_text(STORY.replace("3 metres", "4 metres"), encoding="utf-8")
    (folder / "b.txt").unlink()
    report = a.ingest([str(folder)])
    assert report.count("replaced") == 1 and report.count("removed") == 1
    status = a.status()
    assert status["documents"] == 1
    chunks = chroma(a)
    assert all("3 metres" not in t for t in chunks["documents"])
    assert any("4 metres" in t for t in chunks["documents"])


def test_duplicate_content_indexed_once(tmp_path: Path) -> None:
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text(STORY, encoding="utf-8")
    a = make(tmp_path / "home")
    report = a.ingest([str(tmp_path / "one.txt"), str(tmp_path / "two.txt")])
    assert report.count("indexed") == 1 and report.count("duplicate") == 1
    assert a.status()["documents"] == 1


def test_forget_then_reingest_leaves_no_orphans(seeded_copy: Path) -> None:
    a = make(seeded_copy)
    n = a.status()["chunks"]
    doc_id = a.documents()[0]["doc_id"]
    out = a.forget(doc_id)
    assert out["chunks"] == n
    assert chroma(a)["ids"] == [] and a.status()["documents"] == 0
    a.ingest([str(SEEDS)])
    ids = set(chroma(a)["ids"])
    assert len(ids) == n and ids == set(a.home.catalog.chunk_ids(doc_id))


def test_bad_input_loses_nothing(seeded_copy: Path, tmp_path: Path) -> None:
    a = make(seeded_copy)
    n = a.status()["chunks"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(AssistantError, match="not valid JSON"):
        a.ingest([str(bad)])
    with pytest.raises(AssistantError, match="No such file"):
        a.ingest([str(tmp_path / "missing.txt")])
    assert a.status()["chunks"] == n
    with pytest.raises(AssistantError, match="No indexed article"):
        a.forget("nope")


def test_folder_with_one_bad_file_indexes_the_rest(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.txt").write_text(STORY, encoding="utf-8")
    (folder / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    report = make(tmp_path / "home").ingest([str(folder)])
    assert report.count("indexed") == 1 and report.count("rejected") == 1
    assert "line 1" in report.items[0].reason


def test_other_embedding_model_is_refused_and_reset_recovers(seeded_copy: Path) -> None:
    db = sqlite3.connect(seeded_copy / "catalog.sqlite3")
    with db:
        db.execute(
            "UPDATE meta SET value='openai-text-embedding-3-small' WHERE key='embedding_model'"
        )
    db.close()
    with pytest.raises(AssistantError, match="was built with embeddings"):
        make(seeded_copy).status()
    a = make(seeded_copy)
    a.reset()
    assert a.status()["documents"] == 0
    assert a.ingest([str(SEEDS)]).count("indexed") == 1


def test_jsonl_records_get_metadata(tmp_path: Path) -> None:
    recs = tmp_path / "recs.jsonl"
    recs.write_text(
        json.dumps({"title": "Bridge", "body": STORY, "source": "Daily", "url": "https://d.test/1",
                    "published_at": "2023-10-05T08:00:00Z"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    a = make(tmp_path / "home")
    a.ingest([str(recs)])
    ans = a.ask("How much did the river rise on Tuesday?")
    assert "3 metres" in ans.answer
    (c,) = ans.citations
    assert (c.source, c.url, c.published_at) == (
        "Daily",
        "https://d.test/1",
        "2023-10-05T08:00:00Z",
    )
    assert STORY[c.start : c.end] == c.text


def test_empty_index_auto_seeds(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    a = make(tmp_path / "home", seeds_dir=seeds)
    ans = a.ask("How many Ukrainian drones did Russia's Ministry of Defense say it intercepted?")
    assert "84" in ans.answer and a.status()["documents"] == 1


def test_pdf_citation_names_its_page(tmp_path: Path) -> None:
    from tests.pdfmaker import make_pdf

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(
        make_pdf(
            [
                ["Harbour report"]
                + [f"Pier {i} of the harbour was repainted blue in week {i}." for i in range(12)],
                ["Traffic", "The port authority said 12,400 containers passed in June."],
            ],
            title="Harbour report",
        )
    )
    a = make(tmp_path / "home", chunk_size=64, chunk_overlap=0)
    a.ingest([str(pdf)])
    ans = a.ask("How many containers passed through the port in June?")
    assert "12,400" in ans.answer
    assert [c.page for c in ans.citations] == [2] and ans.citations[0].file == str(pdf.resolve())


WIRE = (
    "Port strike ends after nine days\n"
    "Dock workers at the northern port ended a nine-day strike on Thursday after the operator "
    "agreed to raise wages by 7 percent over two years, union leaders said. The walkout had "
    "left more than 40 container ships waiting offshore and delayed deliveries of fuel and "
    "grain across the region. The operator said normal loading would resume within 48 hours, "
    "and that a mediator would review overtime rules before the end of the year. Union members "
    "voted 812 to 95 to accept the offer at a meeting late on Wednesday.\n"
)


def test_wire_copies_are_one_story_with_every_outlet(tmp_path: Path) -> None:
    """The same story from two outlets (other headline, trimmed last sentence) is stored once;
    citations list the other outlet, and source filters and source names match both."""
    other = WIRE.replace("Port strike ends after nine days", "Dockers return to work")
    other = other.replace(" Union members voted 812 to 95", " Members voted 812 to 95")
    other = other.rsplit(" Members voted", 1)[0] + "\n"
    recs = tmp_path / "wire.jsonl"
    recs.write_text(
        json.dumps({"body": WIRE, "source": "Harbour Times", "url": "https://ht.test/strike",
                    "published_at": "2023-11-02"}) + "\n"
        + json.dumps({"body": other, "source": "Coast Wire", "url": "https://cw.test/dockers",
                      "published_at": "2023-11-03"}) + "\n"
        + json.dumps({"body": STORY, "source": "Coast Wire", "url": "https://cw.test/bridge"})
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    a = make(tmp_path / "home")
    report = a.ingest([str(recs)])
    assert report.count("indexed") == 2 and report.count("copy") == 1, report.summary()
    assert a.status()["chunks"] == report.embedded_chunks
    ans = a.ask("By how much will the dock workers' wages rise?")
    assert "7 percent" in ans.answer
    assert {c.url for c in ans.citations} == {"https://ht.test/strike"}
    assert ans.citations[0].also_in == [
        {"source": "Coast Wire", "url": "https://cw.test/dockers", "published_at": "2023-11-03"}
    ]
    assert a.ingest([str(recs)]).embedded_chunks == 0
    from index.retrieval import Filters

    only = a.ask("By how much will wages rise?", filters=Filters(sources=["Coast Wire"]))
    assert "7 percent" in only.answer  # Coast Wire carried the story too
    a.forget("https://ht.test/strike")  # the story goes; its copy comes back on re-ingest
    again = a.ingest([str(recs)])
    assert again.count("indexed") == 1 and again.count("copy") == 1
    assert again.count("unchanged") == 1  # the bridge story was never touched
