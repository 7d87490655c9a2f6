"""Loaders and chunking: every input kind, offsets that point back into the article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.chunking import chunk_article
from index.errors import AssistantError
from index.loaders import iter_folder, load_file, load_json_records, read_file
from tests.conftest import SEEDS
from tests.pdfmaker import make_pdf, make_scanned_pdf


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
        ("bad.doc", "x", "unsupported file type"),
        ("bad.pdf", "x", "not a readable PDF"),
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


# -- bad input (issue 9 item 4): one line naming the file, the rest of the folder goes on -----


def _one_line(result_problems: list[str], name: str) -> str:
    assert len(result_problems) == 1, result_problems
    (line,) = result_problems
    assert name in line and "\n" not in line and "Traceback" not in line
    return line


def test_binary_json_is_rejected_with_a_reason(tmp_path: Path) -> None:
    p = tmp_path / "photo.json"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = read_file(p)
    assert not result.articles and not result.complete
    assert "a PNG image" in _one_line(result.problems, "photo.json")
    q = tmp_path / "noise.jsonl"
    q.write_bytes(bytes(range(256)) * 8)
    assert "binary" in _one_line(read_file(q).problems, "noise.jsonl")
    zeros = tmp_path / "zeros.txt"
    zeros.write_bytes(b"\x00" * 4096)
    assert "binary" in _one_line(read_file(zeros).problems, "zeros.txt")


def test_legacy_encodings_are_decoded(tmp_path: Path) -> None:
    rec = {"title": "Café", "body": "Le président a déclaré « ça suffit » à 9 h. Coût : 5 €."}
    cp = tmp_path / "cp.jsonl"
    cp.write_bytes(json.dumps(rec, ensure_ascii=False).encode("cp1252"))
    (art,) = read_file(cp).articles
    assert art.title == "Café" and art.text == rec["body"]
    lat = tmp_path / "lat.txt"
    lat.write_bytes("Zürich, São Paulo et Montréal ont voté.\nÀ suivre.".encode("latin-1"))
    (art,) = read_file(lat).articles
    assert art.text.startswith("Zürich, São Paulo et Montréal")


CZECH = (
    "Sněmovna schválila rozpočet\n"
    "Vláda ve středu schválila návrh zákona o dani z příjmů. Ministr financí řekl, že změna "
    "platí od září; důchodců se nedotkne a státu ušetří šest miliard korun. Opozice ještě "
    "večer žádala nové hlasování; premiér řekl, že výsledek bude znám v pátek.\n"
)
# Each Central European pair below is one byte that cp1252 reads as another Latin letter.
CZECH_LETTERS = "ěščřžýáíéů"


@pytest.mark.parametrize("name", ["zpravy.txt", "zpravy.md"])
def test_czech_cp1250_text_is_decoded(tmp_path: Path, name: str) -> None:
    """A Czech cp1250 file: its letters read as cp1252 are ì, è, ø, ù (all letters, so no
    symbol gives it away); the reading whose accents form one language's alphabet wins."""
    assert set(CZECH_LETTERS) <= set(CZECH.lower())
    path = tmp_path / name
    path.write_bytes(CZECH.encode("cp1250"))
    (art,) = read_file(path).articles
    assert art.title == "Sněmovna schválila rozpočet"
    assert art.text.strip() == CZECH.strip()
    for wrong in "ìèøùò":
        assert wrong not in art.title + art.text
    # Western text stays cp1252 (and Polish and Hungarian, cp1250, stay themselves).
    for text, codec in [
        ("Le problème est réglé, a dit son père à Paris. Très bien.", "cp1252"),
        (
            "Regeringen vil øge skatten, siger ministeren. Også kommunerne får færre penge.",
            "cp1252",
        ),
        ("La città è più bella così, ha detto il sindaco. Perché no?", "cp1252"),
        ("Rząd przyjął ustawę o podatkach. Zażółć gęślą jaźń.", "cp1250"),
        ("A kormány elfogadta a költségvetést. Árvíztűrő tükörfúrógép.", "cp1250"),
    ]:
        other = tmp_path / "other.txt"
        other.write_bytes(f"Headline\n{text}\n".encode(codec))
        assert read_file(other).articles[0].text.strip().endswith(text)


def test_utf16_with_and_without_bom(tmp_path: Path) -> None:
    text = "Zürich council votes\nThe council voted 31 to 9 on Tuesday."
    for name, data in [
        ("le.txt", text.encode("utf-16-le")),
        ("be.txt", text.encode("utf-16-be")),
        ("bom.txt", text.encode("utf-16")),
    ]:
        p = tmp_path / name
        p.write_bytes(data)
        (art,) = read_file(p).articles
        assert art.text == text and art.title == "Zürich council votes"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    for name in ("bom.json", "bom.jsonl"):
        p = tmp_path / name
        p.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"title": "T", "body": "Bodied."}]).encode())
        if name.endswith("l"):
            p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"title": "T", "body": "Bodied."}).encode())
        result = read_file(p)
        assert result.complete and [a.text for a in result.articles] == ["Bodied."]


def test_jsonl_good_lines_kept_bad_lines_named(tmp_path: Path) -> None:
    p = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"title": "A", "body": "Alpha.", "url": "https://x.test/a"}),
        '{"title": "broken", "body": ',
        json.dumps({"title": "no body"}),
        json.dumps({"title": "C", "body": "Gamma.", "url": "https://x.test/c"}),
        "[1, 2]",
    ]
    p.write_text("\n".join(lines), encoding="utf-8")
    result = read_file(p)
    assert [a.title for a in result.articles] == ["A", "C"]
    assert not result.complete  # a bad line may hold an article that still exists
    assert [pr.split(" ", 1)[1].split(" ")[:2] for pr in result.problems] == [
        ["line", "2"], ["line", "3"], ["line", "5"],
    ]  # fmt: skip
    assert "not valid JSON" in result.problems[0] and "has no text" in result.problems[1]
    assert all(str(p) in pr and "\n" not in pr for pr in result.problems)


def test_json_array_bad_record_named_others_kept(tmp_path: Path) -> None:
    p = tmp_path / "arr.json"
    p.write_text(json.dumps([{"body": "One."}, "oops", {"body": "Three."}]), encoding="utf-8")
    result = read_file(p)
    assert [a.text for a in result.articles] == ["One.", "Three."]
    assert "record 2 is not an object" in _one_line(result.problems, "arr.json")


def test_complete_tells_a_deleted_record_from_an_unreadable_file(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text(json.dumps({"body": "Only one."}), encoding="utf-8")
    assert read_file(p).complete
    p.write_text("\n\n", encoding="utf-8")
    empty = read_file(p)
    assert not empty.complete and "no articles" in _one_line(empty.problems, "c.jsonl")


def test_unreadable_files_give_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder_named_json = tmp_path / "x.json"
    folder_named_json.mkdir()
    assert "is a folder" in _one_line(read_file(folder_named_json).problems, "x.json")
    locked = tmp_path / "locked.jsonl"
    locked.write_text(json.dumps({"body": "Secret."}), encoding="utf-8")
    real = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "locked.jsonl":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    result = read_file(locked)
    assert not result.complete
    assert "permission denied" in _one_line(result.problems, "locked.jsonl")
    with pytest.raises(AssistantError, match="permission denied"):
        load_file(locked)


def test_folder_goes_on_past_bad_files(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good story\nIt rained.", encoding="utf-8")
    (tmp_path / "bin.json").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "bad.jsonl").write_text("{nope", encoding="utf-8")
    results = {p.name: read_file(p) for p in iter_folder(tmp_path)}
    assert results["good.txt"].complete
    assert not results["bin.json"].articles and not results["bad.jsonl"].articles


# -- PDFs (issue 10 item 3) -------------------------------------------------------------------


def test_pdf_text_with_pages(tmp_path: Path) -> None:
    p = tmp_path / "report.pdf"
    pages = [
        ["Flood report", "The river rose 3 metres on Monday."],
        ["Second page", "Rescuers saved 40 people."],
        ["Third page", "Schools reopen on Friday."],
    ]
    p.write_bytes(make_pdf(pages, title="Flood report", author="Desk", date="D:20231105120000Z"))
    (art,) = read_file(p).articles
    assert art.title == "Flood report" and art.extra == {"author": "Desk"}
    assert art.published_at == "2023-11-05T12:00:00+00:00"
    assert len(art.page_starts) == 3 and art.page_starts[0] == 0
    for n, lines in enumerate(pages, 1):
        off = art.text.index(lines[1])
        assert art.page_at(off) == n
    assert art.page_at(len(art.text) - 1) == 3
    chunks = chunk_article(art, chunk_size=40, chunk_overlap=0)
    assert {art.page_at(c.start) for c in chunks} == {1, 2, 3}
    assert load_file(tmp_path / "report.pdf")[0].page_at(0) == 1


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    p = tmp_path / "scan.pdf"
    p.write_bytes(make_scanned_pdf())
    result = read_file(p)
    assert "no text layer" in _one_line(result.problems, "scan.pdf")
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    assert load_file(tmp_path / "a.txt")[0].page_at(0) is None


def test_truncated_or_garbled_pdf_gives_one_line(tmp_path: Path) -> None:
    whole = make_pdf([["Budget vote", "The budget passed 51 to 49."]])
    for name, data in [("cut.pdf", whole[:150]), ("noise.pdf", b"%PDF-1.4\n" + bytes(range(256)))]:
        p = tmp_path / name
        p.write_bytes(data)
        result = read_file(p)
        assert not result.articles and not result.complete
        assert _one_line(result.problems, name)
