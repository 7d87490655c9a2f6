"""Round 5 of issue 15: who did what to whom (assistant/role_frames.py) and overclaims
(assistant/modality.py). Examples are made up, not taken from the probe set."""

from __future__ import annotations

import pytest

from assistant.entailment import Context, contradictions
from assistant.role_frames import frames, role_cross

SWAPPED = [
    # The claim's subject is what the passage's verb acts on.
    ("Acme is suing Globex over the patents.",
     "A group of Globex shareholders and Globex are currently suing Acme over the patents."),
    ("Lopez persuaded Smith to join him at Initech.",
     "After Smith left Hooli, he persuaded Lopez to join him at Initech."),
    # A participle clause has its main clause's subject.
    ("Lisbon accused Sanchez of hiding the figures.",
     "Sanchez criticised the ministry, accusing Lisbon of hiding the figures."),
    # A common-noun subject after "with".
    ("Initech issued a formal warning to the regulator on Monday.",
     "Initech is under pressure, with the regulator issuing a formal warning on Monday."),
    # A finite verb after an appositive has the name before it.
    ("The board fired back at Maria Keller over the report.",
     "Maria Keller, the former chief executive who left in May, fired back at the board over "
     "the report."),
    # A reduced passive's agent.
    ("Accel led the company's 2021 round, with Sequoia participating.",
     "It raised $50 million in 2021, a round led by Sequoia, with Accel and Index participating."),
    # A participle clause opening the sentence has the main clause's subject.
    ("Using Lopez as a front, Smith had secret access to the accounts.",
     "Using Smith as a front, Lopez had secret access to the accounts, prosecutors said."),
    ("Acme is now suing Globex over the patents.", "Globex is now suing Acme over the patents."),
    # A passive's subject.
    ("Smith was sent off, while Jones was able to play on.",
     "Both collided, with Smith eventually able to play on whilst Jones was sent off."),
]  # fmt: skip

KEPT = [
    ("Acme met Globex on Monday.", "Globex met with Acme on Monday."),  # reciprocal
    ("Globex is being sued by Acme over the patents.", "Acme is suing Globex over the patents."),
    ("Acme is suing Globex over the patents.", "Acme is suing Globex over the patents."),
    ("The fund dominated headlines more than the Wolverines dominated opponents.",
     "The fund dominated headlines more than the Wolverines dominated opponents."),
    ("Sanchez accused Lisbon of hiding the figures.",
     "Sanchez criticised the ministry, accusing Lisbon of hiding the figures."),
]  # fmt: skip


@pytest.mark.parametrize(("claim", "passage"), SWAPPED)
def test_swapped_roles_are_caught(claim: str, passage: str) -> None:
    assert role_cross(claim, passage, passage), claim


@pytest.mark.parametrize(("claim", "passage"), KEPT)
def test_same_roles_pass(claim: str, passage: str) -> None:
    assert role_cross(claim, passage, passage) == []


@pytest.mark.parametrize("k", [3, 5, 8])
def test_the_check_runs_the_role_rule(k: int) -> None:
    """Through contradictions(): no other rule reads these roles."""
    claim, passage = SWAPPED[k]
    assert contradictions(claim, Context(passage)) == role_cross(claim, passage, passage)


def test_frames_read_agent_and_patient() -> None:
    (f,) = [f for f in frames("He persuaded Lopez to join.", "") if f.verb == "persuaded"]
    assert f.patient == {"lopez"} and not f.passive and f.past
    (f,) = [f for f in frames("The round was led by Sequoia.", "Sequoia") if f.verb == "led"]
    assert f.passive and f.agent == {"sequoia"} and f.patient == {"round"}


def test_the_month_may_hedges_nothing() -> None:
    from assistant.claim_rules import hedges

    passage = "Keller, who left in May, fired back at the board over the report."
    assert hedges("Keller fired back at the board over the report.", passage) == []
    assert hedges("Keller fired back at the board.", "Keller may fire back at the board.")


DONE_OVERCLAIMS = [
    ("Acme paid the fine in full.", "Acme agreed to pay the fine in full."),
    ("Lopez gave up his stake.", "Lopez said he was willing to give up his stake."),
    ("Initech has already used the loan to hire staff.", "Initech will be using the loan to hire staff."),
    ("The storm flooded the valley.", "The storm could have flooded the valley, officials said."),
]  # fmt: skip
DONE_KEPT = [
    ("Smith continued after the checks.", "Smith was able to continue after the checks."),
    ("Russia attacked Kyiv with drones.", "Russia launched 145 drones to attack Kyiv."),
    ("Acme might pay the fine.", "Acme could pay the fine."),
    ("Match settled its lawsuit.", "Match may have settled its lawsuit, but Epic has not."),
    ("Acme paid the fine.", "Acme paid the fine after it agreed to pay it."),
]  # fmt: skip


@pytest.mark.parametrize(("claim", "passage"), DONE_OVERCLAIMS)
def test_done_where_the_passage_has_it_possible_or_meant(claim: str, passage: str) -> None:
    from assistant.modality import tense_overclaim

    assert tense_overclaim(claim, passage, passage), claim


@pytest.mark.parametrize(("claim", "passage"), DONE_KEPT)
def test_done_where_the_passage_entails_it(claim: str, passage: str) -> None:
    from assistant.modality import tense_overclaim

    assert tense_overclaim(claim, passage, passage) == []


def test_the_check_runs_the_overclaim_rule() -> None:
    from assistant.modality import tense_overclaim

    claim, passage = DONE_OVERCLAIMS[1]
    assert contradictions(claim, Context(passage)) == tense_overclaim(claim, passage, passage)


def test_a_modal_noun_hedges_its_verb_phrase() -> None:
    from assistant.claim_rules import hedges

    passage = "The lawsuit has the potential to upend every rule the agency has issued."
    assert hedges("The lawsuit will upend every rule the agency has issued.", passage)
    assert hedges("The lawsuit has the potential to upend every rule.", passage) == []


def test_a_thing_keeps_its_owner() -> None:
    from assistant.role_frames import possessor_swap

    passage = "A Paris court rejected Acme's arguments, upholding the CNIL's right to act."
    claim = "A Paris court rejected the regulator's arguments, upholding Acme's right to act."
    assert possessor_swap(claim, passage, passage)
    assert contradictions(claim, Context(passage)) == possessor_swap(claim, passage, passage)
    passage = "Initech's remarks contributed to the collapse of Globex, a rival of Initech."
    assert possessor_swap("Globex's remarks contributed to the fall of Initech.", passage, passage)
    # The same owner by a shorter name, and another owner's other thing.
    passage = "Trade Republic, Scalable Capital's biggest rival, got a license."
    assert (
        possessor_swap("Trade Republic, Scalable's biggest rival, got a license.", passage, passage)
        == []
    )
    assert (
        possessor_swap(
            "Acme's arguments were rejected.", "Acme's arguments and the regulator's right.", ""
        )
        == []
    )


def test_a_finding_is_not_made_stronger() -> None:
    from assistant.modality import evidence_overclaim

    passage = "Drinking coffee may lower the risk of gout, a new study suggests."
    assert evidence_overclaim("A new study shows coffee lowers the risk of gout.", passage)
    assert evidence_overclaim("A new study suggests coffee may lower the risk.", passage) == []
    passage = "The Post reported that Lopez allegedly leaked the memo to reporters."
    assert evidence_overclaim("Lopez leaked the memo to reporters.", passage)
    assert evidence_overclaim("Lopez allegedly leaked the memo, the Post reported.", passage) == []
    claim = "Lopez leaked the memo to reporters."
    assert contradictions(claim, Context(passage)) == evidence_overclaim(claim, passage)


def test_a_modal_claim_and_a_planned_party() -> None:
    from assistant.claim_rules import hedges, intent

    passage = (
        "Davis argues parents should approve downloads, backing a law that would require approval."
    )
    assert hedges("Davis argued that parents should be responsible for approval.", passage) == []
    assert hedges("Davis argued that the law requires approval.", passage)
    passage = "Brook tried to paddle-sweep off Motie and was caught."
    assert intent("Brook's paddle-sweep off Motie was caught.", passage) == []
    assert intent("Brook hit a paddle-sweep for four.", passage)


def test_names_in_one_noun_phrase_swap_no_roles() -> None:
    from assistant.subjects import roles

    passage = "Jane Roe, a product designer at Acme, called the model the definitive version."
    assert (
        roles(
            "Acme product designer Jane Roe called the model the definitive version.",
            passage,
            passage,
        )
        == []
    )
    passage = "The hopes of Italy ended with a 3-2 triumph for Spain."
    assert roles("Spain clinched the series with a 3-2 triumph over Italy.", passage, passage) == []
    passage = "Italy beat Spain on Sunday."
    assert roles("Spain beat Italy on Sunday.", passage, passage)


def test_the_same_noun_owned_by_another_name() -> None:
    passage = "The Acme team has won the most games this season, while Globex's squad ranks second."
    assert role_cross("Globex's team has won the most games this season.", passage, passage)
    assert role_cross("The Acme team has won the most games this season.", passage, passage) == []
    assert role_cross("Initech's team has won the most games.", passage, passage) == []


def test_will_where_the_passage_says_could() -> None:
    from assistant.claim_rules import hedges

    passage = "Acme ended the year with $3B in cash, which could open the door to new acquisitions."
    assert hedges("Acme's cash will fund new acquisitions.", passage)
    assert hedges("Acme ended the year with $3B in cash.", passage) == []
