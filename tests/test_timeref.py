"""Relative time in questions resolved against a reference date (index/timeref.py)."""

from __future__ import annotations

from datetime import date

import pytest

from index.timeref import resolve_time, strip_time, to_date

AS_OF = "2023-12-06"  # a Wednesday


@pytest.mark.parametrize(
    ("question", "start", "end"),
    [
        ("What happened yesterday?", "2023-12-05", "2023-12-05"),
        ("What happened today in tech?", "2023-12-06", "2023-12-06"),
        ("What happened this week in the NFL?", "2023-12-04", "2023-12-06"),
        ("What happened with OpenAI last week?", "2023-11-27", "2023-12-03"),
        ("What did Fortune report in the past 10 days?", "2023-11-26", "2023-12-06"),
        ("What happened two weeks ago?", "2023-11-20", "2023-11-26"),
        ("What happened 3 days ago?", "2023-12-03", "2023-12-03"),
        ("What happened earlier this month?", "2023-12-01", "2023-12-06"),
        ("What happened last month?", "2023-11-01", "2023-11-30"),
        ("What did TechCrunch report about Apple in December?", "2023-12-01", "2023-12-31"),
        ("What did the Verge write in September?", "2023-09-01", "2023-09-30"),
        ("What has happened to X since October?", "2023-10-01", "2023-12-06"),
        ("What happened after October 15?", "2023-10-16", "2023-12-06"),
        ("What did The Verge say about FTX before November 1?", None, "2023-10-31"),
        ("What was known by Nov. 17th, 2023?", None, "2023-11-17"),
        ("Which deals ran between November 20 and November 27?", "2023-11-20", "2023-11-27"),
        ("What happened on 17 November?", "2023-11-17", "2023-11-17"),
        ("What happened on Monday?", "2023-12-04", "2023-12-04"),
        ("What was said on 2023-10-07?", "2023-10-07", "2023-10-07"),
        ("What happened in December 2022?", "2022-12-01", "2022-12-31"),
        ("Who won the marathon in the market square?", None, None),
    ],
)
def test_ranges(question: str, start: str | None, end: str | None) -> None:
    assert resolve_time(question, AS_OF).iso_range() == (start, end)


def test_latest_is_bounded_by_the_reference_date() -> None:
    scope = resolve_time("What is the latest news about Sam Bankman-Fried?", AS_OF)
    assert scope.latest and not scope.earliest and scope.iso_range() == (None, AS_OF)
    recent = resolve_time("What has OpenAI done most recently since November?", AS_OF)
    assert recent.latest and recent.iso_range() == ("2023-11-01", AS_OF)
    assert strip_time("What is the latest news about SBF?", scope) == "What is the news about SBF?"


def test_timeline_and_earliest() -> None:
    t = resolve_time("How did the OpenAI leadership crisis unfold?", AS_OF)
    assert t.timeline and not t.latest and t.iso_range() == (None, AS_OF)
    assert resolve_time("What was first reported about the Cybertruck?", AS_OF).earliest
    assert not resolve_time("Who won the first game?", AS_OF).earliest


def test_month_without_year_is_the_most_recent_one() -> None:
    assert resolve_time("news in December", "2024-01-10").iso_range() == (
        "2023-12-01",
        "2023-12-31",
    )
    assert resolve_time("What happened in January?", "2024-01-10").iso_range() == (
        "2024-01-01",
        "2024-01-31",
    )


def test_reference_dates() -> None:
    assert to_date("2023-11-30T10:00:00Z") == date(2023, 11, 30)
    assert to_date(None) == date.today()
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        to_date("next tuesday")
