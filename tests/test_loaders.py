"""Loaders and chunking: every input kind, offsets that point back into the article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.chunking import chunk_article
from index.errors import AssistantError
from index.loaders import iter_folder, load_file, load_json_records
from tests.conftest import SEEDS


def test_txt_title_is_first_line(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Big News Today\nSomething happened in Paris on Monday.\n", encoding="utf-8")
    (art,) = load_file(p)
    assert art.title == "Big News Today"
    assert art.path == str(p.resolve())
    assert art.doc_id == load_file(p)[0].doc_id  # stable


def test_html_drops_scripts_and_styles(tmp_path: Path) -> None:
    p = tmp_path / "a.html"
    p.write_text(
        "<html><head><title>Storm hits coast</title><style>p{color:red}</style></head><body>"
        "<script>alert('x')</script><nav>Home | About</nav><h1>Storm hits coast</h1>"
        "<p>The storm brought 120 mm of rain.</p><p>Schools closed on Friday.</p></body></html>",
        encoding="utf-8",
    )
    (art,) = load_file(p)
    assert art.title == "Storm hits coast"
    assert "120 mm of rain" in art.text and "Schools closed" in art.text
    assert "alert" not in art.text and "color:red" not in art.text and "About" not in art.text


def test_json_and_jsonl_records(tmp_path: Path) -> None:
    recs = [
        {"title": "A", "body": "Alpha text.", "url": "https://x.test/a", "source": "X",
         "published_at": "2023-10-01T10:00:00+00:00"},
        {"title": "B", "text": "Beta text.", "source": "Y"},
    ]  # fmt: skip
    j = tmp_path / "c.json"
    j.write_text(json.dumps(recs), encoding="utf-8")
    jl = tmp_path / "c.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in recs), encoding="utf-8")
    for path in (j, jl):
        arts = load_json_records(path)
        assert [a.title for a in arts] == ["A", "B"]
        assert arts[0].url == "https://x.test/a" and arts[0].source == "X"
        assert arts[0].published_at == "2023-10-01T10:00:00+00:00"
        assert arts[1].text == "Beta text."


def test_multihop_corpus_format_loads_as_is(tmp_path: Path) -> None:
    rec = {"category": "tech", "author": "N", "published_at": "2023-11-27 08:45:59.000000000Z",
           "body": "Body here.", "title": "T", "url": "https://m.test/1", "source": "Mashable"}  # fmt: skip
    p = tmp_path / "corpus.json"
    p.write_text(json.dumps([rec]), encoding="utf-8")
    (art,) = load_json_records(p)
    assert (art.title, art.source, art.url) == ("T", "Mashable", "https://m.test/1")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.json", "[{]", "not valid JSON"),
        ("bad.jsonl", '{"title": "x"}\n', "has no text"),
        ("bad.pdf", "x", "unsupported file type"),
        ("empty.txt", "   \n", "has no text"),
    ],
)
def test_bad_input_one_line_error(tmp_path: Path, name: str, content: str, message: str) -> None:
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    with pytest.raises(AssistantError) as err:
        load_file(p)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_folder_is_recursive_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ("a.txt", "sub/b.md", ".git/c.txt", "sub/d.bin"):
        (tmp_path / rel).write_text("Hello there.", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_folder(tmp_path)]
    assert found == ["a.txt", "sub/b.md"]


def test_chunk_offsets_point_into_article() -> None:
    (art,) = load_file(next(SEEDS.glob("*.txt")))
    chunks = chunk_article(art, chunk_size=128, chunk_overlap=16)
    assert len(chunks) > 3
    for c in chunks:
        assert art.text[c.start : c.end] == c.text
    assert chunks[0].start == 0
    assert chunks[-1].end == len(art.text.rstrip()) or chunks[-1].end == len(art.text)
