"""Evaluative and directional opposites in the same slot (issue 15, round 5:
assistant/evaluative_opposites.py). The sentences are written for these tests, not taken from
the probe set: the rule reads VADER's ratings and WordNet, no word pair of its own."""

from __future__ import annotations

import pytest

from assistant import evaluative_opposites as evo
from assistant.citations import CitationChecker
from assistant.slot_opposites import slot_opposites
from index.chunking import Chunk
from index.retrieval import Hit

PASSAGE = (
    "The coach said he was very proud of the team after the final. "
    "Analysts called the quarterly results strong. "
    "The minister is on a solid footing despite the scandal."
)


def _kept(claim: str, passage: str = PASSAGE) -> bool:
    meta = {"title": "Story", "source": "Wire", "published_at": "2024-03-01"}
    chunk = Chunk(id="c1", doc_id="d1", text=passage, start=0, end=len(passage), metadata=meta)
    res = CitationChecker(None).check(f"{claim.rstrip('.')} [1].", [Hit(chunk, score=1.0)], None)
    return claim.rstrip(".").split()[-1] in res.text


def test_vader_lexicon_is_installed() -> None:
    # A runtime dependency (pyproject: vaderSentiment); without it the polarity half is off.
    assert evo.vader_available(), "pip install vaderSentiment (listed in pyproject.toml)"


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        (
            "The coach said he was very disappointed with the team.",
            "The coach said he was very proud of the team.",
        ),
        (
            "Analysts called the quarterly results weak.",
            "Analysts called the quarterly results strong.",
        ),
        ("The minister is on a shaky footing.", "The minister is on a solid footing."),
    ],
)
def test_opposite_polarity_in_the_same_slot(claim: str, passage: str) -> None:
    assert evo.evaluative_opposites(claim, passage), claim
    assert slot_opposites(claim, passage), "the rule runs with the same-slot opposites"


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        # the same polarity: a paraphrase
        ("Critics criticised the plan as reckless.", "Critics slammed the plan as reckless."),
        # a negation before one side turns it: left to the negation rules
        (
            "The coach said he was not proud of the team.",
            "The coach was disappointed with the team.",
        ),
        # names rate nothing ("Black Friday", "Prime Day")
        ("Shoppers flocked to Black Friday deals.", "Shoppers flocked to Prime Day deals."),
        # verbs of contest tell one side of the same event
        ("The Eagles won against Miami on Sunday.", "The Eagles defeated Miami on Sunday."),
        # the same change rated apart ("fell" / "eased")
        ("The yield fell to 4.18 per cent.", "The yield eased to 4.18 per cent."),
    ],
)
def test_not_opposed(claim: str, passage: str) -> None:
    assert not evo.evaluative_opposites(claim, passage), evo.evaluative_opposites(claim, passage)


def test_direction_of_change() -> None:
    passage = "The company said it's reducing its staff by 7%."
    claim = "The company said it was increasing its staff by 7%."
    assert evo.direction("climbing")[0] == 1 and evo.direction("shrinking")[0] == -1
    # amount and height are one axis; an irregular past is read as its verb ("fell" -> fall,
    # not "fell" trees), and a word's verb senses are read past its many noun senses
    assert evo.direction("soared")[0] == 1 and evo.direction("fell")[0] == -1
    assert any(evo.direction("fell")) and not evo.direction("worsened")[0]
    assert any("directions of change" in r for r in evo.evaluative_opposites(claim, passage))


def test_adjective_antonyms_in_the_same_slot() -> None:
    # relations.polarity leaves "first"/"last" out (light words: "last year"); in the same
    # slot of the same sentence WordNet's first.a.01 / last.a.02 pointer stands.
    passage = "She was the first player to score twice in a final."
    assert evo.evaluative_opposites("She was the last player to score twice in a final.", passage)
    # satellites of opposed heads are no opposites ("previous" / "earlier")
    assert not evo.evaluative_opposites("It was the previous record.", "It was the earlier record.")


def test_valence_widened_through_wordnet() -> None:
    # "shaky" is rated -0.9 by VADER (weak); its WordNet neighbours (unstable, insecure ...)
    # agree it is clearly negative. A word with one rated neighbour keeps no rating.
    assert evo.valence("shaky") <= -evo.STRONG
    assert evo.valence("overall") == 0.0
    # only adjective clusters lend ratings: a verb's synonyms carry other senses' ("coding")
    assert evo.valence("coding") == 0.0


def test_the_check_drops_an_evaluative_opposite(monkeypatch: pytest.MonkeyPatch) -> None:
    claim = "The coach said he was very disappointed with the team after the final."
    assert not _kept(claim)
    assert _kept("The coach said he was very proud of the team after the final.")
    monkeypatch.setattr(evo, "evaluative_opposites", lambda claim, span: [])
    assert _kept(claim), "without the rule the opposite passes: this test measures it"
