"""Name spans judged by the passages' own writing (assistant/name_words.py) and the asked
role of a span (assistant/verb_roles.py): a new-user trial answered "Who won the 2023 Cricket
World Cup final?" with "Check India", and offered "World Champions Australia" and "Winners
List" as names."""

from __future__ import annotations

from assistant.answer_types import classify
from assistant.direct import find_answers
from assistant.extractive import rank_sentences
from assistant.spans import Lexicon, find_spans
from assistant.verb_roles import asked_action
from index.chunking import Chunk
from index.retrieval import Hit
from index.text import sentences

CRICKET = [
    "Check India's squad for the final here. India has won the last two matches, most "
    "recently in the league fixture in Chennai. The whole world watched the match.",
    "Once again, the two-time World Champions India will face the five-time World Champions "
    "Australia on Sunday. Who will be crowned the World Champions? Fans across the world "
    "will check the score.",
    "Also Read: ICC ODI Cricket World Cup 2023, Winners List from 1975 to 2023: A look back to "
    "the history of the tournament. The list of winners is long.",
    "The final of the ICC Men's ODI World Cup 2023 was won by Australia beating India by six "
    "wickets. Australia beat South Africa in the semi-final.",
]


def names(text: str, lex: Lexicon) -> list[str]:
    return [s.text for sent in sentences(text) for s in find_spans(sent, lex, True)]


def lexicon() -> Lexicon:
    return Lexicon.from_texts(CRICKET)


def test_a_common_word_opening_a_sentence_is_not_part_of_the_name() -> None:
    # "check" is written lower-case in the passages; "India" stands alone elsewhere.
    got = names("Check India's squad for the final here.", lexicon())
    assert got == ["India"]


def test_a_title_case_run_sheds_its_common_words_before_a_name() -> None:
    # "World Champions" is also a run of its own and both words are written lower-case;
    # "Australia" stands alone elsewhere.
    got = names("Once again, the five-time World Champions Australia will play.", lexicon())
    assert got == ["Australia"]


def test_a_headline_run_of_common_words_is_no_name() -> None:
    got = names(CRICKET[2].split(": A look")[0] + ".", lexicon())
    assert "Winners List" not in got
    assert "ICC ODI Cricket World Cup" in got


def test_a_name_after_a_title_does_not_start_with_its_connector() -> None:
    got = [s.text for s in find_spans("She is the Head of AI at the firm.", None, True)]
    assert not any(t.split()[0].islower() for t in got), got


def test_words_the_passages_write_lower_case_are_not_typed_a_person() -> None:
    lex = Lexicon.from_texts(["The world champions met. Who will be crowned the World Champions?"])
    kinds = {s.text: s.kind for s in find_spans("Who will be crowned the World Champions?", lex)}
    assert kinds.get("World Champions") != "person"


def test_names_are_kept_whole() -> None:
    # Guards against over-trimming: a name whose first word the passages capitalise in prose,
    # a name whose remainder never stands alone, a short sentence of names.
    lex = Lexicon.from_texts(
        [
            "The New York Times reported it. New York Times editors said new rules apply.",
            "Golden State Warriors won. The team is golden and the state is happy.",
            "Former President Donald Trump said so. Trump lost.",
            "Groups said the European Commission listened. European lawmakers agreed. The "
            "Commission replied.",
        ]
    )
    got = names("Groups said the European Commission listened.", lex)
    assert got == ["European Commission"]
    assert names("New York Times editors said new rules apply.", lex) == ["New York Times"]
    assert names("Golden State Warriors won.", lex) == ["Golden State Warriors"]
    assert names("Former President Donald Trump said so.", lex) == ["Donald Trump"]


def passages(texts: list[str]) -> list[Hit]:
    return [
        Hit(Chunk(f"d{i}:0", f"d{i}", t, 0, len(t), {"source": "Zee Business"}), score=1.0)
        for i, t in enumerate(texts)
    ]


def test_who_won_is_answered_by_the_agent_of_won() -> None:
    q = "Who won the 2023 Cricket World Cup final?"
    hits = passages(CRICKET)
    found = find_answers(q, hits, rank_sentences(q, hits, None), classify(q), most=3)
    assert found, "no answer span found"
    assert found[0].text == "Australia", [f.text for f in found]


def test_a_name_beside_another_agent_of_the_asked_verb_is_not_the_answer() -> None:
    # The runner-up is named in more articles, and beside the winner in the one sentence that
    # says who won: the agent of "won" is the answer.
    q = "Who won the 2023 Booker Prize?"
    hits = passages(
        [
            "The 2023 Booker Prize was won by Paul Lynch, ahead of the novelist Sarah Bernstein.",
            "The novelist Sarah Bernstein was shortlisted for the 2023 Booker Prize.",
            "At the 2023 Booker Prize dinner, Sarah Bernstein spoke to reporters.",
        ]
    )
    found = find_answers(q, hits, rank_sentences(q, hits, None), classify(q), most=3)
    assert found and found[0].text == "Paul Lynch", [f.text for f in found]


def test_the_asked_action() -> None:
    assert sorted(asked_action("Who won the 2023 Cricket World Cup final?").forms) == ["win"]
    assert asked_action("Who is the chancellor of Germany?") is None
    assert asked_action("Who did Microsoft hire?") is None
    assert asked_action("Which online betting platform offers bonuses?") is None
    action = asked_action("Which company acquired Activision?")
    assert action is not None and "activis" in " ".join(action.objects)
