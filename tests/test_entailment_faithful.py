"""Faithful paraphrases the citation check must keep (issue 15, round 5): a party the passage
refers to by pronoun, role noun, quote or acronym is the one it named before."""

from __future__ import annotations

import pytest

from assistant.citations import CitationChecker, on_question
from assistant.claim_frame import without_frame
from assistant.coreference import acronym_in, antecedent_start, is_role_noun, refers_back
from assistant.entailment import Context, contradictions
from assistant.recall_words import alternatives, number_words, variants
from assistant.relations import tokens
from index.chunking import Chunk
from index.retrieval import Hit

QUOTE = (
    "The startup raised $65 million on Monday. "
    "“We are four times bigger than at the last round,” Podzuweit said in an interview. "
    "“So it is a very attractive deal for the investor. "
    "But I think it is really cool that we managed to pull this off.” "
    "He confirmed that the company still has most of the money from the last round. "
    "“We can do a bit more marketing, we can hire the top people,” he said."
)


CASES = [
    # A pronoun speaker is the nearest one named, however many quoted sentences lie between;
    # another party (named further up) still is not the speaker.
    (
        QUOTE,
        "“We can do a bit more marketing, we can hire the top people,” Podzuweit said.",
        "“We can do a bit more marketing, we can hire the top people,” Atomico said.",
    ),
    # A quote continued from the sentence before keeps its speaker.
    (
        "The series ended on Thursday. “We had some high-scoring games,” Reece Topley said. "
        "“We were probably just under par with the first-innings score. "
        "I think it has been an amazing series.",
        "Topley said: “I think it has been an amazing series.”",
        None,
    ),
    # A role noun subject ("The Qatari banker's patience") refers to the party named before.
    (
        "Sheikh Jassim's public statement was seen as a swipe at the Glazers. "
        "The Qatari banker's patience finally snapped and his withdrawal from the bidding "
        "at the end of last week has left the pathway clear for Ratcliffe.",
        "Sheikh Jassim withdrew from the bidding at the end of last week.",
        None,
    ),
    # An acronym is the name spelled out before ("The watchdog" refers back to it).
    (
        "Menendez pleaded not guilty. The Consumer Financial Protection Bureau is facing legal "
        "challenges of its own. The watchdog, created in 2011, is facing a Supreme Court case "
        "that could determine its future.",
        "The CFPB faces a Supreme Court case that could decide its future.",
        "The SEC faces a Supreme Court case that could decide its future.",
    ),
    # A referred actor ("The 35-year-old, who ...") owns the first clause's number.
    (
        "Amid the wider theme Adil Rashid's excellence remains constant. The 35-year-old, who "
        "rose to the top of the rankings on Wednesday, took two wickets and conceded just 21 "
        "while Topley was even better, also claiming a pair of victims but conceding only 17.",
        "Adil Rashid took two wickets and conceded just 21.",
        "Adil Rashid took two wickets and conceded just 17.",
    ),
]


@pytest.mark.parametrize(("passage", "faithful", "unfaithful"), CASES)
def test_a_party_referred_to_is_the_one_named_before(
    passage: str, faithful: str, unfaithful: str | None
) -> None:
    ctx = Context(passage)
    assert contradictions(faithful, ctx) == []
    if unfaithful:
        assert contradictions(unfaithful, ctx)


def test_role_nouns_come_from_wordnet_s_hierarchy() -> None:
    assert all(is_role_noun(w) for w in ["watchdog", "banker", "executives", "spokesman"])
    assert not any(is_role_noun(w) for w in ["panel", "study", "dam", "screen"])
    assert refers_back(tokens("The watchdog, created in 2011, is facing a case."))
    assert not refers_back(tokens("The new panel runs at the same resolution."))
    assert acronym_in("CFPB", "the Consumer Financial Protection Bureau said")
    assert not acronym_in("Bureau", "the Consumer Financial Protection Bureau said")


def test_the_antecedent_window_stops_at_the_nearest_named_sentence() -> None:
    sents = ["Atomico wrote a report.", "Podzuweit spoke.", "“So.", "But yes.”", "He said."]
    passage = " ".join(sents)
    assert antecedent_start(sents, 4, passage) == 1
    assert antecedent_start(sents, 2, passage) == 0


def test_recall_reads_number_words_compounds_and_demonyms() -> None:
    check = CitationChecker(None)  # no embedder: recall alone decides the overlap test
    passage = (
        "Check Point ended the most recent quarter with $3B in cash, which could open the "
        "door to additional acquisitions. On Ukraine's side, officials reported that Russia "
        "launched 145 drones on Saturday. The talks reflect concern over the nearly "
        "three-year conflict in Ukraine."
    )
    for claim in [
        "Check Point finished its most recent quarter with three billion dollars in cash.",
        "Officials reported one hundred forty-five Russian drones on Saturday.",
        "The conflict in Ukraine is nearly three years old.",
    ]:
        assert check.support(claim, passage).ok, claim
    # The number itself stays exact.
    assert not check.support("Check Point ended the quarter with four billion dollars.", passage).ok


def test_recall_alternatives_come_from_wordnet() -> None:
    assert "russia" in alternatives("Russian drones", {"russian", "drone"})["russian"]
    assert "year" in variants("the nearly three-year conflict")
    assert {"three", "billion", "dollar"} <= number_words("three billion dollars in cash")
    assert "cash" not in number_words("three billion dollars in cash")


def test_a_number_with_thousands_separators_keeps_its_noun() -> None:
    ctx = Context("It has 1.2 million savings plans, which works out to over 600,000 customers.")
    assert contradictions("It has more than six hundred thousand customers.", ctx) == []
    assert contradictions("It has more than 600,000 customers.", ctx) == []


def test_a_contrast_clause_naming_only_the_claim_s_parties_is_the_actor_s() -> None:
    ctx = Context(
        "Belgium now sit second in the group ahead of England by one point but two points "
        "behind group leaders, Netherlands."
    )
    claim = "Belgium are second, a point ahead of England and two points behind Netherlands."
    assert contradictions(claim, ctx) == []
    ravens = Context(
        "The Ravens defense has allowed the fewest points (16.1), while San Francisco's unit "
        "ranks second in points (16.7)."
    )
    assert contradictions("The Ravens defense has allowed 16.7 points.", ravens)


def test_a_speaker_named_before_a_pronoun_speaker_still_speaks() -> None:
    ctx = Context(
        "Atomico published its annual report on Monday. "
        "For now, Scalable Capital is not pursuing a license itself, said Podzuweit. "
        "“It's leaner, obviously,” he said, adding that its banking partners include ING. "
        "“Maybe I wouldn't rule getting a license out forever."
    )
    claim = "Podzuweit said he might not rule out getting a license forever."
    assert [r for r in contradictions(claim, ctx) if "attributes" in r] == []
    wrong = "Atomico said it might not rule out getting a license forever."
    assert [r for r in contradictions(wrong, ctx) if "attributes" in r]


def test_the_question_focus_reads_role_nouns_and_acronyms() -> None:
    text = (
        "Menendez pleaded not guilty. Critics spoke at length about it. The Consumer "
        "Financial Protection Bureau is facing legal challenges of its own. The watchdog, "
        "created in 2011, is facing a Supreme Court case that could determine its future."
    )
    hit = Hit(Chunk(id="c:0", doc_id="c", text=text, start=0, end=len(text)), 1.0)
    q = "Which agency is facing a Supreme Court case?"
    assert on_question(
        "The CFPB faces a Supreme Court case that could decide its future.", q, [hit]
    )
    assert not on_question("A Supreme Court case could decide the future of Menendez.", q, [hit])


def test_the_cited_outlet_may_be_named_without_its_tagline() -> None:
    ctx = Context(
        "Among pregnant people who use cannabis, the risks are highest for those who use it "
        "later in gestation. The study was published Tuesday (Dec. 12) in the journal JAMA.",
        title="Cannabis use in pregnancy linked to small birth size",
        source="Live Science: The Most Interesting Articles",
        published_at="2023-12-13",
    )
    claim = "Live Science reported that the study was published on Tuesday in the journal JAMA."
    assert without_frame(claim, ctx).startswith("the study was published")
    other = "Science Daily reported that the study was published on Tuesday in the journal JAMA."
    assert without_frame(other, ctx) == other


def test_a_merged_claim_s_number_may_come_from_the_next_sentence_that_states_it() -> None:
    ctx = Context(
        "The original Steam Deck had a 7-inch 800p LCD running at 60Hz. The new model squeezes "
        "a 7.4-inch OLED screen into the same space, shrinking the bezels. The panel runs at "
        "90Hz with 3 modes."
    )
    claim = "The new model fits a 7.4-inch OLED screen into the space of the original's 7-inch LCD."
    assert contradictions(claim, ctx) == []
    # A number of another thing in the sentence before is still not this one's.
    assert contradictions("The new model squeezes a 60-inch OLED screen into the same space.", ctx)


def test_a_merged_claim_with_an_attribution_tail_is_read_clause_by_clause() -> None:
    ctx = Context(
        "In 2021, JPMorgan Chase eliminated fees for overdrafts that were under $50. The new "
        "policy still led to an increase in revenue from overdraft fees, which rose 3% in 2022, "
        "according to Bloomberg."
    )
    claim = (
        "JPMorgan Chase eliminated fees for overdrafts under $50 in 2021, yet its overdraft "
        "fee revenue still rose 3% in 2022, according to Bloomberg."
    )
    assert contradictions(claim, ctx) == []
    swapped = (
        "JPMorgan Chase eliminated fees for overdrafts under $50 in 2022, yet its overdraft "
        "fee revenue still rose 3% in 2021, according to Bloomberg."
    )
    assert contradictions(swapped, ctx)


def test_a_hyphenated_pair_of_names_stands_in_the_passage_name_by_name() -> None:
    check = CitationChecker(None)
    passage = "Peskov rejected reports of a phone call between Trump and Putin as pure fiction."
    assert check.support(
        "Peskov rejected the reports of a Trump-Putin call as fiction.", passage
    ).ok
    assert not check.support(
        "Peskov rejected the reports of a Trump-Xi call as fiction.", passage
    ).ok
