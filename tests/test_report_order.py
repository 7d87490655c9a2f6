"""'Which outlet reported X first?' is answered from the articles' published_at, for every
offline backend path, never with a name that stands in the text (a new-user trial got
"Washington Post", the paper the seed article quotes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.report_order import asks_who_reported_first

SEED = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
QUESTION = "Which outlet reported the Kremlin's denial of the Trump call first?"


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        (QUESTION, True),
        ("Which newspaper first reported that Trump had called Putin?", True),
        ("What publication was the first to publish the story?", True),
        ("What source reported first on the dam?", True),
        ("Which outlet reported the drone attack?", False),
        ("Which news source reported on the first drone attack?", False),
        ("Which company first reported earnings?", False),
    ],
)
def test_which_questions_ask_for_the_first_report(question: str, asks: bool) -> None:
    assert asks_who_reported_first(question) is asks


def _corpus(tmp_path: Path, with_earlier_outlet: bool) -> str:
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    paragraphs = body.strip().split("\n")
    records = [
        {"title": title, "body": body, "source": "Reuters",
         "published_at": "2024-11-11T10:00:00Z", "url": "https://reuters.test/kremlin"},
        # A wire copy: another headline, the last paragraph trimmed, two hours later.
        {"title": "Kremlin says Trump-Putin call report is fiction",
         "body": "\n".join(paragraphs[:-1]), "source": "AP",
         "published_at": "2024-11-11T12:00:00Z", "url": "https://ap.test/kremlin"},
    ]  # fmt: skip
    if with_earlier_outlet:
        records.append(
            {"title": "Moscow denies Trump phoned Putin", "source": "Euro Wire",
             "published_at": "2024-11-11T07:30:00Z", "url": "https://eurowire.test/denial",
             "body": "The Kremlin denied reports that Donald Trump had called Vladimir Putin. "
             "Kremlin spokesperson Dmitry Peskov called the reports of the Trump call pure "
             "fiction on Monday morning. Officials in Kyiv did not comment."}
        )  # fmt: skip
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def test_the_earliest_copy_of_a_wire_story_is_first(tmp_path: Path) -> None:
    a = Assistant(Settings(home=tmp_path / "home", llm="extractive", progress=False))
    a.ingest([_corpus(tmp_path, with_earlier_outlet=False)])
    ans = a.ask(QUESTION)
    assert ans.answer.startswith("Reuters ["), ans.answer
    assert "Washington Post [" not in ans.answer
    first = ans.citations[0]
    assert first.source == "Reuters" and (first.published_at or "").startswith("2024-11-11T10")
    assert any("AP" in json.dumps(o) for o in first.also_in), first.also_in


# The order is read from published_at before any backend runs: no model is asked (the openai
# URL below is unreachable, and the local model would take seconds to load).
@pytest.mark.parametrize("llm", ["extractive", "local", "openai"])
def test_an_earlier_outlet_comes_first(tmp_path: Path, llm: str) -> None:
    a = Assistant(
        Settings(
            home=tmp_path / "home", llm=llm, progress=False,
            openai_base_url="http://127.0.0.1:9/v1", openai_api_key="k",
        )
    )  # fmt: skip
    a.ingest([_corpus(tmp_path, with_earlier_outlet=True)])
    ans = a.ask(QUESTION)
    assert ans.answer.startswith("Euro Wire ["), ans.answer
    assert not ans.dropped_sentences, ans.dropped_sentences
