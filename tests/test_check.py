"""The citation check on crafted answers: wrong number, wrong name, wrong marker, no marker."""

from __future__ import annotations

import pytest

from assistant.answer import REFUSAL
from assistant.citations import CitationChecker, is_refusal
from assistant.text import markers, numbers, split_sentences, strip_markers
from index.chunking import Chunk
from index.retrieval import Hit

P1 = (
    "Russia's Ministry of Defense claimed it intercepted 84 Ukrainian drones over multiple "
    "regions. This led to flight redirections at three major Moscow airports."
)
P2 = (
    "Kremlin spokesperson Dmitry Peskov denied the reports, calling them pure fiction. "
    "On Monday, airstrikes killed at least six people and injured 21."
)


def hits(*texts: str) -> list[Hit]:
    return [
        Hit(Chunk(id=f"d:{i}", doc_id="d", text=t, start=0, end=len(t)), score=1.0)
        for i, t in enumerate(texts)
    ]


@pytest.fixture
def checker() -> CitationChecker:
    return CitationChecker(embedder=None)


def test_supported_sentence_is_kept(checker: CitationChecker) -> None:
    res = checker.check("Russia said it intercepted 84 Ukrainian drones [1].", hits(P1, P2))
    assert res.kept == [("Russia said it intercepted 84 Ukrainian drones.", [1])]
    assert not res.dropped and not res.repaired


def test_wrong_number_is_dropped(checker: CitationChecker) -> None:
    res = checker.check("Russia said it intercepted 85 Ukrainian drones [1].", hits(P1, P2))
    assert res.kept == [] and len(res.dropped) == 1


def test_a_question_echoed_back_is_no_claim(checker: CitationChecker) -> None:
    # Every word is in the passage, and it is cited: still it states nothing.
    echo = "The answer is: How many Ukrainian drones did Russia say it intercepted [1]?"
    res = checker.check(f"{echo} Russia said it intercepted 84 Ukrainian drones [1].", hits(P1))
    assert res.kept == [("Russia said it intercepted 84 Ukrainian drones.", [1])]
    assert len(res.dropped) == 1 and res.dropped[0].startswith("The answer is")


def test_wrong_name_is_dropped(checker: CitationChecker) -> None:
    res = checker.check("Kremlin spokesperson Sergei Lavrov denied the reports [2].", hits(P1, P2))
    assert res.kept == [] and res.dropped


def test_marker_to_wrong_passage_is_repaired(checker: CitationChecker) -> None:
    res = checker.check("Airstrikes killed at least six people and injured 21 [1].", hits(P1, P2))
    assert res.kept == [("Airstrikes killed at least six people and injured 21.", [2])]
    assert res.repaired == [
        {
            "sentence": "Airstrikes killed at least six people and injured 21.",
            "from": [1],
            "to": [2],
        }
    ]


def test_missing_marker_is_added_or_dropped(checker: CitationChecker) -> None:
    res = checker.check(
        "Peskov called the reports pure fiction. Germany won the 2022 World Cup.", hits(P1, P2)
    )
    assert res.kept == [("Peskov called the reports pure fiction.", [2])]
    assert res.dropped == ["Germany won the 2022 World Cup."]


def test_extra_unsupporting_marker_is_removed(checker: CitationChecker) -> None:
    res = checker.check("Flights were redirected at three Moscow airports [1][2].", hits(P1, P2))
    assert res.kept[0][1] == [1]
    assert res.repaired and res.repaired[0]["to"] == [1]


def test_out_of_range_marker(checker: CitationChecker) -> None:
    res = checker.check("Flights were redirected at three Moscow airports [7].", hits(P1, P2))
    assert res.kept[0][1] == [1]


def test_words_scattered_over_a_passage_do_not_support(checker: CitationChecker) -> None:
    p = ". ".join(f"Sentence {w} stands alone here" for w in ["alpha", "beta", "gamma", "delta"])
    far = p + ". Filler one. Filler two. Filler three. Filler four. Omega closes."
    res = checker.check("Alpha, delta and omega close [1].", hits(far))
    assert res.kept == []


DAM = (
    "Russian forces claim to have seized the village of Kolisnykivka in the Kharkiv region. "
    "In eastern Ukraine, Russian forces reportedly struck a dam near Kurakhove, Donetsk."
)


def test_names_stitched_from_a_neighbouring_sentence_are_dropped(
    checker: CitationChecker,
) -> None:
    q = "Near which town did Russian forces reportedly strike a dam?"
    # Every word of the stitched claim is in the passage, within two sentences: only the
    # question shows that the village comes from a sentence about something else.
    stitched = "Russian forces reportedly struck a dam near Kolisnykivka [1]."
    assert checker.check(stitched, hits(DAM)).kept
    assert checker.check(stitched, hits(DAM), question=q).kept == []
    right = checker.check("Russian forces struck a dam near Kurakhove [1].", hits(DAM), question=q)
    assert right.kept == [("Russian forces struck a dam near Kurakhove.", [1])]


def test_bare_yes_is_kept_only_beside_a_supported_claim(checker: CitationChecker) -> None:
    ok = checker.check("Yes. Peskov denied the reports [2].", hits(P1, P2))
    assert [c for c, _ in ok.kept] == ["Yes.", "Peskov denied the reports."]
    alone = checker.check("Yes.", hits(P1, P2))
    assert alone.kept == []


def test_a_lead_goes_with_its_dropped_sentence(checker: CitationChecker) -> None:
    # The name is in the passage, but the sentence that makes it the answer is contradicted.
    res = checker.check("Dmitry Peskov [2]. Dmitry Peskov confirmed the reports [2].", hits(P1, P2))
    assert res.kept == [] and "Dmitry Peskov." in res.dropped
    ok = checker.check("Dmitry Peskov [2]. Dmitry Peskov denied the reports [2].", hits(P1, P2))
    assert [c for c, _ in ok.kept] == ["Dmitry Peskov.", "Dmitry Peskov denied the reports."]


def test_a_repeated_sentence_is_said_once(checker: CitationChecker) -> None:
    res = checker.check("Dmitry Peskov [2]. Dmitry Peskov [2].", hits(P1, P2))
    assert [c for c, _ in res.kept] == ["Dmitry Peskov."] and not res.dropped


def test_refusals_are_recognised(checker: CitationChecker) -> None:
    assert is_refusal(REFUSAL)
    assert is_refusal("The passages do not mention the World Cup.")
    assert checker.check(REFUSAL, hits(P1)).refused
    assert not is_refusal("Peskov denied the reports [2].")


def test_text_helpers() -> None:
    text = "The U.S. said so. Mr. Smith left at 5 p.m. on Monday! Next one."
    assert next(text[a:b] for a, b in split_sentences(text)) == "The U.S. said so."
    assert markers("a [1] b [2, 3].") == [1, 2, 3]
    assert strip_markers("Drones were shot down [1].") == "Drones were shot down."
    assert numbers("six people and 1,200 drones") == {"6", "1200"}


@pytest.mark.slow
def test_paraphrase_passes_with_minilm() -> None:
    from index.embeddings import bundled_embedder

    checker = CitationChecker(bundled_embedder())
    res = checker.check("Peskov dismissed the reports as fiction [2].", hits(P1, P2))
    assert res.kept and res.kept[0][1] == [2]
