"""Wire copies (index/dedupe.py): a republished copy with other boilerplate, a trimmed last
paragraph and copy edits is found; another outlet's own article on the same event is not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from index.dedupe import CopyIndex, earlier, is_copy

STORY = [
    "The regional council of Veldmark approved a 42 million euro flood barrier on Tuesday after "
    "a year of public hearings, ending a dispute that had split the port town since the storm "
    "surge of last winter flooded more than 600 homes along the river.",
    "Engineers said the barrier would protect 12,000 homes and should be finished by the spring "
    "of 2026, two years ahead of the original plan, because the steel gates will be built in "
    "sections at the shipyard rather than on site.",
    "Opponents argued that the money would be better spent on moving the most exposed streets "
    "further inland, but the motion passed by 31 votes to 9 after a debate of almost six hours.",
    "Mayor Ilse Varnhagen said the town could not wait for another winter like the last one and "
    "promised that residents would be consulted on the design of the riverside walkway.",
]
# The same event, written up independently: same names and numbers, other sentences.
OTHER_OUTLET = [
    "Veldmark will get its flood barrier. On Tuesday councillors voted 31 to 9 for the 42 "
    "million euro scheme, a year after hearings began and months after last winter's surge "
    "left over 600 homes under water.",
    "Construction of the steel gates is due to finish in spring 2026. Critics, who wanted the "
    "most exposed streets relocated instead, lost the argument after a six hour debate.",
    "Mayor Ilse Varnhagen told reporters the town had no choice. Around 12,000 homes lie behind "
    "the planned barrier, according to the engineers who drew it up for the council.",
]


def wire_copy() -> str:
    paras = list(STORY[:-1])  # the last paragraph trimmed
    paras[0] = "VELDMARK (Wire) — " + paras[0].replace("approved", "has approved")
    paras[1] = paras[1].replace("Engineers said", "Engineers say").replace("sections ", "")
    return "\n".join(
        [*paras, "Reporting by Ana Ruiz; editing by Tom Hale.", "Copyright 2023 Wire Service."]
    )


def test_copy_found_and_other_outlet_kept_apart() -> None:
    original, copy, other = "\n".join(STORY), wire_copy(), "\n".join(OTHER_OUTLET)
    assert is_copy(original, copy) and is_copy(copy, original)
    assert not is_copy(original, other) and not is_copy(copy, other)
    index = CopyIndex()
    index.add("original", original)
    index.add("other", other)
    (match,) = index.find(copy)
    assert match.key == "original" and match.aligned > 0.85
    assert index.find(other, exclude="other") == []
    assert [m.key for m in index.find(original, exclude="original")] == []


def test_short_texts_and_removal() -> None:
    brief = "Veldmark approved a flood barrier on Tuesday."
    assert not is_copy(brief, brief)
    index = CopyIndex()
    index.add("brief", brief)
    assert index.find(brief) == []
    index.add("original", "\n".join(STORY))
    assert [m.key for m in index.find(wire_copy())] == ["original"]
    index.remove("original")
    assert index.find(wire_copy()) == [] and "original" not in index and len(index) == 1
    index.add("original", "\n".join(OTHER_OUTLET))  # a key re-added with new text
    assert index.find(wire_copy()) == []


# -- a story keeps its earliest copy's text and date (index/ingest.py with Stories) ------------
def _records(path: Path, *recs: tuple[str, str, str, str]) -> str:
    path.write_text(
        "".join(
            json.dumps({"body": body, "source": src, "url": url, "published_at": day}) + "\n"
            for body, src, url, day in recs
        ),
        encoding="utf-8",
    )
    return str(path)


def _wire_pair() -> tuple[str, str, str]:
    from tests.test_ingest import WIRE

    trimmed = WIRE.replace("Port strike ends after nine days", "Dockers return to work")
    trimmed = trimmed.rsplit(" Union members voted", 1)[0] + "\n"
    third = WIRE.replace("Port strike ends after nine days", "Northern port reopens")
    return WIRE, trimmed, third


@pytest.fixture
def assistant(tmp_path: Path) -> Any:
    from tests.test_ingest import make

    return make(tmp_path / "home", auto_seed=False)


@pytest.mark.slow
def test_an_earlier_copy_ingested_later_becomes_the_story(assistant: Any, tmp_path: Path) -> None:
    a, (full, trimmed, third) = assistant, _wire_pair()
    first = _records(
        tmp_path / "late.jsonl",
        (full, "Harbour Times", "https://ht.test/strike", "2023-11-03T10:00:00Z"),
        (third, "Valley Courier", "https://vc.test/port", "2023-11-04T08:00:00Z"),
    )
    assert a.ingest([first]).count("copy") == 1
    # A copy dated a day earlier arrives later: the story switches to its text and date.
    second = _records(
        tmp_path / "early.jsonl",
        (trimmed, "Coast Wire", "https://cw.test/dockers", "2023-11-02T09:00:00Z"),
    )
    catalog = a.home.catalog
    commits: list[set[str]] = []
    real_commit = catalog.commit

    def spy(articles: Any, *args: Any, **kw: Any) -> Any:
        commits.append({r["url"] for r in articles})
        return real_commit(articles, *args, **kw)

    catalog.commit = spy  # type: ignore[method-assign]
    report = a.ingest([second])
    assert report.count("indexed") == 1 and report.embedded_chunks > 0
    # The new story and the stories it displaces change in one transaction: a crash never
    # leaves two stories of one text (or none).
    assert {"https://cw.test/dockers", "https://ht.test/strike", "https://vc.test/port"} in commits
    rows = {r["url"]: r for r in a.home.catalog.articles()}
    story = rows["https://cw.test/dockers"]
    assert story["story_id"] is None and story["n_chunks"] > 0
    for url in ("https://ht.test/strike", "https://vc.test/port"):  # the old story's copies too
        assert rows[url]["story_id"] == story["doc_id"] and rows[url]["n_chunks"] == 0
    doctor = a.doctor()
    assert doctor["ok"] and doctor["orphans"] == 0 and doctor["chunks"] == story["n_chunks"]
    ans = a.ask("By how much will the dock workers' wages rise?")
    (cite,) = [c for c in ans.citations if "7 percent" in c.text]
    assert (cite.url, cite.published_at) == ("https://cw.test/dockers", "2023-11-02T09:00:00Z")
    assert "812 to 95" not in a.home.catalog.article_text(story["doc_id"])  # the earliest text
    assert [o["url"] for o in cite.also_in] == ["https://ht.test/strike", "https://vc.test/port"]
    # The old story keeps its own text as a copy: re-ingesting everything embeds nothing.
    assert "812 to 95" in a.home.catalog.article_text(rows["https://ht.test/strike"]["doc_id"])
    again = a.ingest([first, second])
    assert again.embedded_chunks == 0 and again.count("unchanged") == 3


@pytest.mark.slow
def test_within_one_ingest_the_earliest_copy_is_the_story(assistant: Any, tmp_path: Path) -> None:
    (full, trimmed, _), a = _wire_pair(), assistant
    both = _records(
        tmp_path / "both.jsonl",
        (full, "Harbour Times", "https://ht.test/strike", "2023-11-03"),
        (trimmed, "Coast Wire", "https://cw.test/dockers", "2023-11-02"),
    )
    report = a.ingest([both])
    assert report.count("indexed") == 1 and report.count("copy") == 1, report.summary()
    rows = {r["url"]: r for r in a.home.catalog.articles()}
    assert rows["https://cw.test/dockers"]["story_id"] is None
    assert rows["https://ht.test/strike"]["story_id"] == rows["https://cw.test/dockers"]["doc_id"]
    assert a.status()["chunks"] == rows["https://cw.test/dockers"]["n_chunks"]
    # Undated or same-dated copies never displace the story.
    assert earlier("2023-11-02", "2023-11-03T00:00:00+00:00")
    assert not earlier(None, "2023-11-03") and not earlier("2023-11-03", "2023-11-03")
    assert earlier("2023-11-03T01:00:00+02:00", "2023-11-03T00:00:00Z")
