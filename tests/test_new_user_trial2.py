"""Bugs a new user hit in a second trial of the product (inputs nobody had tried), each
pinned by a test that fails without its fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.extract import extract_page
from index.loaders import read_file
from tests.test_cli_input import env

__all__ = ["env"]  # the fixture: a fresh home, extractive answers, no progress bars

BODY = "".join(
    f"<p>{s}</p>"
    for s in [
        "The harbour authority opened a second container terminal on the east quay after "
        "three years of dredging and a court fight over the estuary's birds.",
        "Officials said the terminal doubles the port's capacity to 1.4 million containers a "
        "year and will employ 600 people once both cranes are running.",
        "Shipping lines had threatened to move their services to a rival port unless the "
        "berths were deepened, a spokesperson for the operators said.",
    ]
)


def test_undated_page_gets_no_date_guessed_from_its_footer_or_body() -> None:
    # htmldate's extensive search turned "Copyright 2023" into 2023-01-01 (and a year in the
    # body into <year>-01-01): a made-up date that "latest" and the date filters then trust.
    html = (
        "<html><head><title>Port opens terminal</title></head><body><nav>Home | Sport</nav>"
        f"<article><h1>Port opens terminal</h1>{BODY}<p>The first quay was built in 2007.</p>"
        "</article><footer>Copyright 2023. All rights reserved.</footer></body></html>"
    )
    assert extract_page(html).published_at is None
    # A date the URL declares still counts.
    assert extract_page(html, "https://news.example/2023/11/17/port").published_at == ("2023-11-17")


def test_file_damaged_to_a_bare_byte_order_mark_is_rejected_not_indexed(tmp_path: Path) -> None:
    # A UTF-16 article overwritten by a cut write ("\xff\xfe\x00") decoded as a lone "\ufffd",
    # which a re-ingest then indexed in place of the good article instead of keeping it.
    p = tmp_path / "story.txt"
    p.write_bytes(b"\xff\xfe\x00")
    result = read_file(p)
    assert not result.articles
    assert "byte-order mark" in result.problems[0] and "story.txt" in result.problems[0]
    # A long UTF-16 article with one damaged character still loads.
    good = "The mayor resigned on Tuesday after a scandal over parking fines. " * 10
    p.write_bytes(good.encode("utf-16")[:-1])
    (article,) = read_file(p).articles
    assert article.text.startswith("The mayor resigned")


def test_file_of_symbols_only_has_no_text(tmp_path: Path) -> None:
    p = tmp_path / "stub.txt"
    p.write_text("-- * --\n\n...\n", encoding="utf-8")
    result = read_file(p)
    assert not result.articles and "has no text" in result.problems[0]


def test_status_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    # `assistant status | head -2` printed a BrokenPipeError traceback once head had left.
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line is written
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home")}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "assistant.cli", "status"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            cwd=Path(__file__).resolve().parents[1],
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    assert proc.returncode == 141


@pytest.mark.parametrize("stream", ["false", "yes", 0, {}])
def test_stream_that_is_not_a_boolean_is_a_400(stream: object) -> None:
    # '"stream": "false"' was truthy and got an event stream the client had turned off.
    from starlette.testclient import TestClient

    from tests.test_api import FakeAssistant, canned
    from ui.api import MODEL_ID, build_api

    client = TestClient(build_api(FakeAssistant(), answer_fn=canned))
    body = {"model": MODEL_ID, "messages": [{"role": "user", "content": "Who won?"}]}
    r = client.post("/chat/completions", json={**body, "stream": stream})
    assert r.status_code == 400 and r.json()["error"]["param"] == "stream", r.text
    r = client.post("/chat/completions", json={**body, "stream": False})
    assert r.status_code == 200 and r.json()["object"] == "chat.completion"


WHO_TURN = [
    {"role": "user", "content": "Who did OpenAI's board fire in November 2023?"},
    {"role": "assistant", "content": "Sam Altman [2]. In another X post, Brockman said so [1]."},
]


@pytest.mark.parametrize(
    ("follow_up", "resolved"),
    [
        # Was "Where did he go after that? (OpenAI's November board fire 2023)": "he" was lost
        # and the page answered "X" from a sentence about an X post.
        ("Where did he go after that?", "Where did Sam Altman go after that?"),
        ("What did his sister say?", "What did Sam Altman's sister say?"),
        ("Why was she fired?", "Why was Sam Altman fired?"),
    ],
)
def test_a_pronoun_after_a_who_answer_means_the_name_answered(
    follow_up: str, resolved: str
) -> None:
    from assistant.chat import condense

    assert condense(follow_up, WHO_TURN, 1000).startswith(resolved + " (")


def test_a_pronoun_after_a_refusal_or_a_sentence_is_left_alone() -> None:
    from assistant.chat import condense

    for answer in ("The articles I have do not say.", "The board fired him on Friday [1]."):
        turn = [WHO_TURN[0], {"role": "assistant", "content": answer}]
        assert condense("Where did he go?", turn, 1000).startswith("Where did he go? (")


def test_watch_keeps_a_folder_indexed(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `assistant watch FOLDER` said "only http(s) URLs with a host can be fetched": a folder
    # of articles could not be kept fresh the way a feed is.
    from assistant.cli import main

    folder = tmp_path / "news"
    folder.mkdir()
    story = folder / "port.txt"
    story.write_text("Port opens terminal\n\n" + BODY.replace("<p>", "").replace("</p>", "\n"))
    assert main(["watch", str(folder)]) == 0
    assert "1 indexed" in capsys.readouterr().out
    story.write_bytes(b"\xff\xfe\x00")  # broken between two refreshes: the article is kept
    assert main(["watch", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "1 kept" in captured.out and "port.txt" in captured.err
    assert main(["watch", str(tmp_path / "nowhere")]) == 2
    assert "neither a feed URL nor a file or folder" in capsys.readouterr().err


def test_pdf_lines_wrapped_inside_a_sentence_are_joined() -> None:
    # Each PDF line was its own line of text, so the sentence splitter cut "...will cost" from
    # "18 million euros ..." and the answer cited "18 million euros and take until March 2024".
    from index.pdf import pdf_pages
    from tests.pdfmaker import make_pdf

    pages = [
        ["Flood report", "The river rose 3.2 metres on Sunday night,", "forcing 450 people out."],
        ["Repairs to the dike will cost", "18 million euros.", "Year Cost", "2023 12", "2024 6"],
    ]
    texts = pdf_pages(make_pdf(pages), "flood.pdf").texts
    assert texts[0] == (
        "Flood report\nThe river rose 3.2 metres on Sunday night, forcing 450 people out."
    )
    # A table's rows and a heading keep their own lines.
    assert texts[1] == "Repairs to the dike will cost 18 million euros.\nYear Cost\n2023 12\n2024 6"


def test_upload_rejections_name_the_uploaded_file_not_the_server_copy(tmp_path: Path) -> None:
    # The Articles tab said "/srv/.../home/uploads/empty.txt: the file has no text", a path on
    # the server that the person uploading never chose.
    from assistant import Assistant, Settings
    from ui.articles import add_articles

    a = Assistant(Settings(home=tmp_path / "home", llm="extractive", progress=False))
    empty = tmp_path / "picked" / "empty.txt"
    empty.parent.mkdir()
    empty.write_text("")
    table, _ = add_articles(a, [str(empty)], "", lambda *args, **kwargs: None)
    (row,) = table.values.tolist()
    assert row[:2] == ["empty.txt", "rejected"]
    assert row[4].startswith("empty.txt: the file has no text"), row[4]
    assert str(tmp_path / "home") not in row[4]


def test_record_dates_are_read_or_dropped_never_stored_verbatim(tmp_path: Path) -> None:
    # "yesterday" and "Sun, 05 Nov 2023 ..." were stored as written; date filters compare the
    # first 10 characters, so such an article passed every "from" and failed every "to".
    records = [
        {"title": "A", "body": "The lake froze early.", "published_at": "yesterday"},
        {
            "title": "B",
            "body": "The zoo got a giraffe.",
            "published_at": "Sun, 05 Nov 2023 10:00:00 +0100",
        },
        {"title": "C", "body": "Rain flooded roads.", "published_at": 1700000000},
        {
            "title": "D",
            "body": "A bridge opened.",
            "published_at": "2023-11-27 08:45:59.000000000Z",
        },
    ]
    p = tmp_path / "records.json"
    p.write_text(json.dumps(records))
    dates = [a.published_at for a in read_file(p).articles]
    assert dates == [
        None,
        "2023-11-05T10:00:00+01:00",
        "2023-11-14T22:13:20+00:00",
        "2023-11-27 08:45:59.000000000Z",  # an ISO date is kept as written: ids stay stable
    ]


def test_a_file_named_twice_is_read_once(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `assistant ingest news news/port.txt` said "1 indexed, 1 copy": the file was a wire
    # copy of itself.
    from assistant.cli import main

    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "port.txt").write_text("Port opens terminal\n\n" + BODY.replace("</p>", "\n"))
    assert main(["ingest", str(folder), str(folder / "port.txt")]) == 0
    assert capsys.readouterr().out.startswith("1 indexed; ")
