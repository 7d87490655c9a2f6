"""Entailment rules of the citation check (issue 15), the probe set, and the scripted server."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant import lexicon
from assistant.citations import CitationChecker
from assistant.entailment import Context, contradictions, number_values
from index.chunking import Chunk
from index.retrieval import Hit
from tests.scripted_openai import Reply, ScriptedOpenAI, scripted_openai  # noqa: F401

SEED = next((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt")).read_text("utf-8")
PROBES = Path(__file__).resolve().parent / "data" / "entailment_probes.jsonl"


def seed_ctx() -> Context:
    return Context(SEED)


@pytest.mark.parametrize(
    "claim",
    [
        "Dmitry Peskov confirmed that Trump had called Putin.",
        "Ukrainian officials said Russia launched 84 drones on Saturday.",
        "Ukrainian forces struck a dam near Kurakhove.",
        "Russia made its smallest territorial expansion since March 2022.",
        "Germany's foreign minister said European countries should reduce their aid to Ukraine.",
        "The damage had already flooded Kurakhove.",
        "Peskov called the reports “complete fiction.”",
        "On Monday, airstrikes killed at least 21 people and injured six.",
        "The Kremlin did not deny that Trump called Putin.",
        "Russia said it launched 145 drones on Saturday.",
        "Airstrikes killed at least six people and injured 21 last month.",
        "European leaders are calling for increased aid to Russia.",
    ],
)
def test_issue_contradictions_are_caught(claim: str) -> None:
    assert contradictions(claim, seed_ctx()), claim


@pytest.mark.parametrize(
    "claim",
    [
        "Zelensky accused Moscow of targeting civilian sites.",
        "Ukrainian officials said Russia launched 145 drones on Saturday.",
        "Peskov dismissed the reports as “pure fiction.”",
        'Kremlin spokesperson Dmitry Peskov called the reports "pure fiction".',
        "At least six people were killed and 21 injured in airstrikes on Monday.",
        "Russia's Defense Ministry said it intercepted 84 Ukrainian drones.",
        "Vadym Filashkin warned that damage to the dam could flood communities along the "
        "Vovcha River.",
    ],
)
def test_faithful_paraphrases_pass(claim: str) -> None:
    assert contradictions(claim, seed_ctx()) == []


def test_metadata_and_relative_dates() -> None:
    text = "It is estimated that more than 9,000 people in video games were laid off this year."
    ctx = Context(text, title="Video games in 2023", source="Engadget",
                  published_at="2023-12-19")  # fmt: skip
    assert contradictions("Engadget reported that more than 9,000 people were laid off.", ctx) == []
    assert contradictions("More than 9,000 video game workers were laid off in 2023.", ctx) == []
    assert contradictions("More than 9,000 video game workers were laid off in 2022.", ctx)
    assert contradictions("Reuters reported that 9,000 people were laid off this year.", ctx)


def test_number_words() -> None:
    assert number_values("one hundred forty-five drones and twenty-one people") == {"145", "21"}
    assert number_values("eighty-four drones") == {"84"}  # not 80 and 4 as well


def test_number_words_read_as_one_number_with_scales() -> None:
    # Round 4's held-apart probes: the words of a compound also stood as numbers of their own
    # ("five hundred forty-nine" held 5, which the passage's "$549" lacks), and scale words
    # were dropped ("six hundred thousand" read as 600).
    assert number_values("five hundred forty-nine dollars") == {"549"}
    assert number_values("six hundred ten participants") == {"610"}
    assert number_values("more than six hundred thousand customers") == {"600000"}
    assert number_values("three billion dollars") <= number_values("$3B in cash")
    assert number_values("three billion dollars") <= number_values("$3 billion in cash")
    assert number_values("one of the drones") == set()
    price = Context("The Steam Deck OLED starts at $549 and ships on November 16th.")
    assert (
        contradictions("The Steam Deck OLED starts at five hundred forty-nine dollars.", price)
        == []
    )
    assert contradictions("The Steam Deck OLED starts at five hundred ninety-nine dollars.", price)
    study = Context("The study was published Tuesday (Dec. 12) in the journal JAMA.")
    assert contradictions("The study was published on Tuesday, December 12, in JAMA.", study) == []
    assert contradictions("The study was published on Tuesday, December 14, in JAMA.", study)


def test_the_cited_outlet_and_date_frame_the_claim() -> None:
    # "<outlet> reported on <date> that ...": the date is the article's (metadata), not one the
    # passage must hold beside the claim's own dates.
    ctx = Context(
        "The Steam Deck OLED will be available to order on November 16th at 1PM ET.",
        source="Engadget", published_at="2023-11-09",
    )  # fmt: skip
    said = "the Steam Deck OLED will be available to order on November 16th at 1PM ET."
    assert contradictions(f"Engadget reported on November 9, 2023 that {said}", ctx) == []
    assert contradictions(f"On November 9, 2023, Engadget reported that {said}", ctx) == []
    # Another date or another outlet is not the article's: the frame stays and is checked.
    assert contradictions(f"Engadget reported on October 9, 2023 that {said}", ctx)
    assert contradictions(
        "Engadget reported that the Steam Deck OLED will be available on November 18th.", ctx
    )


def test_a_yes_verdict_reads_the_claim_against_its_sentence_not_the_reverse() -> None:
    from assistant.entailment import verdict_consistent

    # MultiHop-RAG tuning questions (seeds 2, 3): right "Yes." verdicts were dropped for a
    # negation of the evidence sentence's own ("it wasn't just luck", "without a defender").
    q = "Did Sporting News report that Travis Kelce caught the winning touchdown?"
    for own in ("it wasn't just luck", "without a defender near him", "never in doubt"):
        sentence = f"Travis Kelce caught the winning touchdown, {own}."
        assert verdict_consistent("Yes.", q, sentence), sentence
    assert not verdict_consistent("Yes.", q, "Travis Kelce did not catch the winning touchdown.")
    assert verdict_consistent("No.", q, "Travis Kelce did not catch the winning touchdown.")


def test_antonyms_come_from_wordnet() -> None:
    if not lexicon.available():
        pytest.skip("WordNet files absent: apt-get install wordnet-base (see .ci/run)")
    # Pairs not in NEWS_OPPOSITES: WordNet's own antonym pointers and satellites.
    assert lexicon.opposite("smallest", "largest")
    assert lexicon.opposite("unclear", "clear")
    assert lexicon.opposite("decrease", "increased")
    assert not lexicon.opposite("intercepted", "launched")


def test_stopping_is_a_negation() -> None:
    # WordNet has no antonym for "stopped targeting": a cessation verb negates what follows.
    assert contradictions("Zelensky said Russia had stopped targeting civilian sites.", seed_ctx())
    assert not contradictions("Zelensky accused Moscow of targeting civilian sites.", seed_ctx())


def test_a_number_belongs_to_its_actors_clause() -> None:
    ctx = Context("The Ravens defense has allowed the fewest points per game (16.1), while "
                  "San Francisco's unit ranks second in points (16.7).")  # fmt: skip
    assert contradictions("The Ravens defense has allowed 16.7 points per game.", ctx)
    assert not contradictions("The Ravens defense has allowed 16.1 points per game.", ctx)


def test_only_is_a_limit_the_passage_must_set() -> None:
    ctx = Context("More than 9,000 people in video games were laid off this year and the firings "
                  "affected teams of all sizes.")  # fmt: skip
    assert contradictions("Layoffs in video games this year only affected large teams.", ctx)
    assert not contradictions("Layoffs in video games this year affected teams of all sizes.", ctx)


def test_blame_and_ranks_must_be_the_passage_s() -> None:
    dam = Context("Local head Vadym Filashkin warned that damage to the Kurakhove dam could "
                  "result in significant flooding.")  # fmt: skip
    assert contradictions("Vadym Filashkin blamed Ukraine for striking the dam.", dam)
    ranks = Context("San Francisco's unit ranks second in points (16.7) and 10th in yardage.")
    assert contradictions("San Francisco's defense ranks 10th in points allowed.", ranks)
    assert not contradictions("San Francisco's defense ranks second in points allowed.", ranks)


@pytest.mark.parametrize(
    ("passage", "wrong", "right"),
    [
        # the subject of the shared verb (assistant/subjects.py)
        (
            "Acme rolled out a billing option, which Globex has declined to use.",
            "Acme has declined to use the billing option.",
            "Globex has declined to use the billing option.",
        ),
        (
            "Kremlin spokesperson Dmitry Peskov denied the reports on Friday.",
            "Trump denied the reports on Friday.",
            "The Kremlin denied the reports on Friday.",
        ),
        (
            "Late in 2021, Dana Reyes completed the deal when she bought Orbit Bank from Vale.",
            "Vale bought Orbit Bank from Dana Reyes.",
            "Dana Reyes bought Orbit Bank from Vale.",
        ),
        # a verb keeps its own number over the whole passage
        (
            "The ministry said it intercepted 84 drones. Officials said Russia launched 145 drones.",
            "The ministry said Russia launched 84 drones.",
            "Officials said Russia launched 145 drones.",
        ),
        # each clause of a merged claim takes its numbers from its own sentence
        (
            "Reyes took a loan of $255 million from Orbit Bank. Some $120 million is still owed.",
            "Reyes took a loan of $120 million from Orbit Bank, of which $255 million is still owed.",
            "Reyes took a loan of $255 million from Orbit Bank, of which $120 million is still owed.",
        ),
        # months and years as the aligned sentence has them
        (
            "In June, the network identified 35 cases over six years.",
            "In May, the network identified 35 cases over six years.",
            "In June, the network identified 35 cases over six years.",
        ),
        (
            "In 2022, just 1,000 jobs were lost in the industry.",
            "In 2023, just 1,000 jobs were lost in the industry.",
            "Just 1,000 jobs were lost in the industry in 2022.",
        ),
        # what is only planned, set or tried is not done
        (
            "The shop, tested last month with subscribers, will soon be available to all users.",
            "The shop is now available to all users.",
            "The shop will soon be available to all users.",
        ),
        (
            "The state attempted to ban the app, but a court put the ban on hold.",
            "The state banned the app.",
            "The state attempted to ban the app.",
        ),
        # the speaker: "according to X," and a speaker after the comma
        (
            "The Times reports that Reyes tried to push out a board member.",
            "According to Bloomberg, Reyes tried to push out a board member.",
            "According to The Times, Reyes tried to push out a board member.",
        ),
        (
            "The Post reported that Trump highlighted military assets in Europe.",
            "Trump highlighted military assets in Europe, the Kremlin confirmed.",
            "Trump highlighted military assets in Europe, the Post reported.",
        ),
        # the reported clause's subject; a progressive is no copula
        (
            "Officials reported that Russia launched 145 drones on Saturday.",
            "Officials said Ukraine launched 145 drones on Saturday.",
            "Officials said Russia launched 145 drones on Saturday.",
        ),
        (
            "Acme has picked up $473 million from Orbit. Orbit is taking a 51% stake in Acme.",
            "Acme is taking a 51% stake in Orbit.",
            "Orbit is taking a 51% stake in Acme.",
        ),
        # inflections hang on the same number
        (
            "Users were spending 18 minutes per day in Temu's app, compared with 10 in Amazon's.",
            "Users spent 10 minutes per day in Temu's app.",
            "Users spent 18 minutes per day in Temu's app.",
        ),
        # an admission the passage only reports; "free" where it names a price
        (
            "Troops reportedly struck a dam near the town on Sunday.",
            "The army admitted striking a dam near the town on Sunday.",
            "Troops reportedly struck a dam near the town on Sunday.",
        ),
        (
            "The new app lets users send encrypted chats for just $1.99 per month.",
            "The new app is free for users who send encrypted chats.",
            "The new app lets users send encrypted chats for $1.99 a month.",
        ),
        # "turned down" denies; an ordinal keeps its noun
        (
            "The board approached Amodei, but Amodei quickly turned down the offer.",
            "Amodei quickly accepted the offer.",
            "Amodei quickly turned down the offer.",
        ),
        (
            "The holiday is celebrated on the fourth Thursday of November.",
            "The holiday is celebrated on the third Thursday of November.",
            "The holiday falls on the fourth Thursday of November.",
        ),
    ],
)
def test_round3_rules(passage: str, wrong: str, right: str) -> None:
    ctx = Context(passage)
    assert contradictions(wrong, ctx), wrong
    assert not contradictions(right, ctx), (right, contradictions(right, ctx))


@pytest.mark.parametrize(
    ("passage", "claim"),
    [
        # a rally next to the same name on both sides is no swapped role
        (
            "Analyst Tony Reed said the ASX received some relief from a rally on Wall Street.",
            "Tony Reed said a Wall Street rally gave the ASX some relief.",
        ),
        # "a loan" is the borrowing seen from the bank's side, not its opposite
        (
            "To finance the deal, Reyes took a loan of $255 million from Orbit Bank.",
            "Reyes borrowed $255 million from Orbit Bank to finance the deal.",
        ),
        # "a 75% decline" refuses nothing; "previous" and "earlier" are not opposites
        (
            "The group has a market cap of $97 million, after a 75% decline in its share price.",
            "The group's market cap is $97 million after its share price fell 75%.",
        ),
        (
            "The index climbed 0.8 per cent to claw back half its tumble from a day earlier.",
            "The index rose 0.8 per cent, recovering half of the previous day's tumble.",
        ),
        # light verbs and particles meet no WordNet opposite ("has" / "rejected", "set up")
        (
            "The Kremlin has publicly refuted claims that Trump called Putin.",
            "The Kremlin rejected reports that Trump had phoned Putin.",
        ),
        (
            "The company also says it established a special operations center.",
            "The company set up a special operations center.",
        ),
        # a speaker moved from the end to the front swaps no role
        (
            '"Export controls are Beijing\'s top concern," Gabriel Wildau, managing director at '
            "consulting firm Teneo, said in a note.",
            "Teneo's Gabriel Wildau wrote that export controls are Beijing's top concern.",
        ),
        # "may account for its slip": the slip is presupposed, not hedged
        (
            "The attention TikTok received may account for its slip from No. 1 to No. 5.",
            "TikTok slipped from No. 1 to No. 5.",
        ),
        # the whole run of names after "with"
        (
            "Senators had an 80-minute meeting with Chinese President Xi Jinping.",
            "Senators had an 80-minute meeting with Xi Jinping.",
        ),
        # a number hangs on nothing across a colon
        (
            "Google's only two apps in the top 10 included No. 7 Google Search and No. 8 YouTube.",
            "Google had two apps in the top 10: Google Search at No. 7 and YouTube at No. 8.",
        ),
        # a pronoun or "the company" as subject: the actor is in the sentence before
        (
            "Discord is adding safeguards. On Thursday, the company announced Teen Safety Assist.",
            "Discord announced Teen Safety Assist on Thursday.",
        ),
        # "may have settled ..., but" concedes; "potentially" hedges one word
        (
            "Match may have settled its lawsuit with Google last week, but Epic is set for trial.",
            "Match settled its lawsuit with Google last week.",
        ),
        (
            "By default, the app will blur potentially sensitive images from a teen's friends.",
            "The app blurs images from a teen's friends by default.",
        ),
    ],
)
def test_round3_faithful_paraphrases_pass(passage: str, claim: str) -> None:
    assert not contradictions(claim, Context(passage)), contradictions(claim, Context(passage))


def test_alignment_prefers_the_sentence_its_rare_words_pick() -> None:
    # "dam" is in two sentences, "blamed" in one: the claim rests on the blame sentence.
    assert not contradictions("Both sides blamed each other for the damage to the dam.",
                              seed_ctx())  # fmt: skip
    # "expressed confidence" is Healey's sentence, whose actor is not Zelensky.
    assert contradictions("Zelensky expressed confidence that the U.S. would continue "
                          "supporting Ukraine.", seed_ctx())  # fmt: skip


def test_all_and_every_claim_more_than_largely_or_three() -> None:
    assert contradictions("Ukraine's air force intercepted all 145 Russian drones.", seed_ctx())
    assert contradictions("Every major Moscow airport redirected flights.", seed_ctx())


LIST = ("GitLab\n\nAnnounced February 9 that it’s reducing its headcount by 7%. The round of "
        "redundancies will impact around 114 people.")  # fmt: skip


def test_a_first_word_spelled_as_a_name_is_an_actor() -> None:
    # "GitHub's" opens the sentence and stands nowhere in the passage: still a name, and the
    # item's heading two sentences up names the right one.
    assert contradictions("GitHub's round of redundancies will affect around 114 people.",
                          Context(LIST))  # fmt: skip
    assert not contradictions("GitLab's round of redundancies will affect around 114 people.",
                              Context(LIST))  # fmt: skip


def test_recall_counts_wordnet_synonyms_and_inflections() -> None:
    if not lexicon.available():
        pytest.skip("WordNet files absent: apt-get install wordnet-base (see .ci/run)")
    checker = CitationChecker(None)  # no MiniLM: recall alone must carry the paraphrase
    assert checker.support("GitLab is cutting 7% of its headcount.", LIST).ok
    laid = "Petersen has spent the month laying off about 600 people, or 20% of its workers."
    assert checker.support("Petersen laid off about 600 people.", laid).ok
    assert not lexicon.opposite("laid", "laying")


def test_a_contradicted_claim_is_not_re_pointed() -> None:
    slow = Chunk(id="a:0", doc_id="a", text="Drug companies have been slow to make new "
                 "antibiotics.", start=0, end=50)  # fmt: skip
    other = Chunk(id="b:0", doc_id="b", text="Drug companies make new antibiotics quickly, an "
                  "analyst said.", start=0, end=60)  # fmt: skip
    claim = "Drug companies have been quick to make new antibiotics [1]."
    res = CitationChecker(None).check(claim, [Hit(slow, 1.0), Hit(other, 1.0)])
    assert res.kept == [] and not res.repaired
    # Cited to the passage that lacks it (not one that says otherwise), it is re-pointed.
    res = CitationChecker(None).check(claim, [Hit(other, 1.0), Hit(slow, 1.0)])
    assert not res.kept or res.kept[0][1] != [2]


def test_focus_reads_pronouns_and_titles() -> None:
    from assistant.citations import on_question

    king = Chunk(id="k:0", doc_id="k", text="Billie Jean King won 39 Grand Slam titles. She’s "
                 "part of ownership groups involved with the Los Angeles Dodgers and Angel City "
                 "FC.", start=0, end=140)  # fmt: skip
    q = "Who owns part of Angel City FC?"
    claim = "Billie Jean King is part of the ownership group of Angel City FC."
    assert on_question(claim, q, [Hit(king, 1.0)])
    # The stitched claim of tests/test_check.py is still dropped there.


def test_checker_uses_metadata_for_citations() -> None:
    chunk = Chunk(id="d:0", doc_id="d", text="Petersen laid off about 600 people.", start=0,
                  end=35, metadata={"source": "TechCrunch", "published_at": "2023-10-30"})  # fmt: skip
    res = CitationChecker(None).check(
        "On October 30, 2023, TechCrunch reported that Petersen laid off about 600 people [1].",
        [Hit(chunk, score=1.0)],
    )
    assert res.kept and not res.dropped


def test_probe_set_shape() -> None:
    probes = [json.loads(x) for x in PROBES.read_text("utf-8").splitlines() if x.strip()]
    held = [p for p in probes if p["split"] == "test2"]  # round 3's held-apart part
    assert len(probes) >= 150
    assert sum(p["label"] == "faithful" for p in held) >= 60
    assert sum(p["label"] == "unfaithful" for p in held) >= 60
    assert {p["split"] for p in probes} <= {"dev", "test", "test2", "test3", "test4"}
    assert all(("seed" in p) != ("url" in p) and p["anchor"] for p in probes)


def test_scripted_server_streams_and_records(scripted_openai: ScriptedOpenAI) -> None:  # noqa: F811
    import openai

    scripted_openai.script = ["Peskov denied it [1].", Reply("overloaded", status=503)]
    client = openai.OpenAI(base_url=scripted_openai.base_url, api_key="k", max_retries=0)
    plain = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "first"}]
    )
    assert plain.choices[0].message.content == "Peskov denied it [1]."
    with pytest.raises(openai.APIStatusError):
        client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "second"}], stream=True
        )
    scripted_openai.script = lambda req: f"echo {req.user_text}"
    stream = client.chat.completions.create(
        model="m", messages=[{"role": "user", "content": "third"}], stream=True
    )
    assert "".join(c.choices[0].delta.content or "" for c in stream) == "echo third"
    assert [r.user_text for r in scripted_openai.requests] == ["first", "second", "third"]
    assert scripted_openai.requests[-1].stream


# -- the LLM verification pass and the repair from source, through Assistant.ask -----------


def scripted_settings(home: Path, server: ScriptedOpenAI, judge: bool | None = None) -> Any:
    from assistant import Settings
    from assistant.settings import CheckSettings

    return Settings(home=home, llm="openai", openai_base_url=server.base_url,
                    openai_api_key="k", openai_model="scripted", progress=False,
                    check=CheckSettings(judge=judge))  # fmt: skip


def answer_then_verdict(answer: str, verdict: str) -> Any:
    def script(req: Any) -> str:
        if "You check a news assistant's answer" in req.user_text:
            return verdict
        n = next(
            (m.group(1) for m in re.finditer(r"(?m)^\[(\d+)\] \(", req.user_text)
             if "Steven Cheung" in req.user_text[m.end():].split("\n[")[0]),
            "1",
        )  # fmt: skip
        return answer.replace("[n]", f"[{n}]")

    return script


QUESTION = "Who is Trump's communications director?"
GOOD = "Steven Cheung is Trump's communications director [n]."


@pytest.mark.slow
def test_judge_drops_what_it_finds_not_supported(
    seeded_copy: Path,
    scripted_openai: ScriptedOpenAI,  # noqa: F811
) -> None:
    from assistant import Assistant

    no = '```json\n{"verdicts": [{"claim": 1, "verdict": "not supported"}]}\n```'
    scripted_openai.script = answer_then_verdict(GOOD, no)
    ans = Assistant(scripted_settings(seeded_copy, scripted_openai)).ask(QUESTION)
    assert ans.judge == {"status": "ok", "verdicts": [
        {"sentence": "Steven Cheung is Trump's communications director.",
         "verdict": "not supported"}]}  # fmt: skip
    assert "Steven Cheung is Trump's communications director" not in ans.answer
    # Dropped by the judge, the answer is repaired from the aligned source sentence.
    assert ans.fallback == "source" and ans.answer.startswith("“") and ans.citations
    assert len(scripted_openai.requests) == 2


@pytest.mark.slow
def test_invalid_judge_reply_leaves_the_offline_verdict(
    seeded_copy: Path,
    scripted_openai: ScriptedOpenAI,  # noqa: F811
) -> None:
    from assistant import Assistant

    scripted_openai.script = answer_then_verdict(GOOD, "I think it is fine.")
    ans = Assistant(scripted_settings(seeded_copy, scripted_openai)).ask(QUESTION)
    assert ans.judge == {"status": "invalid", "verdicts": []}
    assert "Steven Cheung is Trump's communications director" in ans.answer
    # Switched off: no extra call, nothing recorded.
    scripted_openai.requests.clear()
    off = Assistant(scripted_settings(seeded_copy, scripted_openai, judge=False)).ask(QUESTION)
    assert off.judge is None and len(scripted_openai.requests) == 1


@pytest.mark.slow
def test_contradiction_is_repaired_from_its_source(
    seeded_copy: Path,
    scripted_openai: ScriptedOpenAI,  # noqa: F811
) -> None:
    from assistant import Assistant

    bad = "Steven Cheung, Trump's communications director, confirmed the call [n]."
    scripted_openai.script = answer_then_verdict(bad, "")
    ans = Assistant(scripted_settings(seeded_copy, scripted_openai, judge=False)).ask(QUESTION)
    assert "confirmed the call" not in ans.answer
    assert ans.dropped_sentences and ans.fallback == "source"
    assert "declined to comment" in ans.answer and ans.citations


KILLED = "On Monday, airstrikes killed at least six people and injured 21."


def real_judge(base: str, grammar: str | None, prompts: list[str]) -> Any:
    """The judge's call to the real llama.cpp server; a GBNF grammar, where given, fixes what
    the server may reply (a 135M judge is near random: the plumbing is tested, not it)."""
    import openai

    client = openai.OpenAI(base_url=base, api_key="test-key")

    def complete(prompt: str) -> str | None:
        prompts.append(prompt)
        reply = client.chat.completions.create(
            model="smollm2", messages=[{"role": "user", "content": prompt}], max_tokens=40,
            temperature=0.0, extra_body={"grammar": grammar} if grammar else {},
        )  # fmt: skip
        return reply.choices[0].message.content

    return complete


def answer_citing(sentence: str) -> Any:
    """A model answer: the sentence cited to the passage that holds it (the answer is not
    under test here, the judge pass after the offline check is)."""

    def stream_answer(question: str, passages: list[Hit], candidates: Any) -> Any:
        n = next(i for i, h in enumerate(passages, 1) if "at least six people" in h.chunk.text)
        yield f"{sentence[:-1]} [{n}]."

    return stream_answer


@pytest.mark.slow
@pytest.mark.server
def test_judge_plumbing_against_llama_server(llama_server: str, seeded_home: Path) -> None:
    from assistant import Assistant, Settings

    a = Assistant(Settings(home=seeded_home, llm="openai", openai_base_url=llama_server,
                           openai_api_key="test-key", openai_model="smollm2", progress=False,
                           max_tokens=60))  # fmt: skip
    a.backend.stream_answer = answer_citing(KILLED)  # type: ignore[method-assign]
    question = "How many people were killed by the airstrikes on Monday?"
    # The product's own judge call (on by default with openai), unconstrained: whatever the
    # real model replies is recorded, and the offline verdict stands unless it is the JSON.
    free = a.ask(question)
    assert free.judge is not None and free.judge["status"] in {"ok", "invalid"}
    if free.judge["status"] == "ok":
        assert [v["sentence"] for v in free.judge["verdicts"]] == [KILLED]
    else:
        assert KILLED[:-1] in free.answer and not free.dropped_sentences

    # The real server made to say "not supported": the sentence is dropped, the verdict
    # recorded, and the answer repaired from the aligned source sentence.
    prompts: list[str] = []
    no = '"{\\"verdicts\\": [{\\"claim\\": 1, \\"verdict\\": \\"not supported\\"}]}"'
    a.backend.complete = real_judge(llama_server, f"root ::= {no}", prompts)  # type: ignore[method-assign]
    dropped = a.ask(question)
    assert prompts and "Claim 1: " + KILLED in prompts[-1]
    assert dropped.judge == {"status": "ok",
                             "verdicts": [{"sentence": KILLED, "verdict": "not supported"}]}  # fmt: skip
    assert dropped.dropped_sentences == [KILLED] and dropped.fallback == "source"
    assert dropped.answer.startswith("“") and dropped.citations

    # The real server made to reply in prose: not valid JSON, the offline verdict stands.
    a.backend.complete = real_judge(llama_server, 'root ::= "It looks fine to me."', prompts)  # type: ignore[method-assign]
    kept = a.ask(question)
    assert kept.judge == {"status": "invalid", "verdicts": []}
    assert KILLED[:-1] in kept.answer and not kept.dropped_sentences and kept.fallback is None


def test_yes_no_verdict_is_checked_against_its_claim() -> None:
    chunk = Chunk(id="d:0", doc_id="d", text=SEED, start=0, end=len(SEED))
    q = "Did the Kremlin confirm that Trump called Putin?"
    claim = "The Kremlin refuted claims that Trump called Putin [1]."
    checker = CitationChecker(None)
    wrong = checker.check(f"Yes. {claim}", [Hit(chunk, score=1.0)], question=q)
    assert [c for c, _ in wrong.kept] == ["The Kremlin refuted claims that Trump called Putin."]
    assert wrong.dropped == ["Yes."]
    right = checker.check(f"No. {claim}", [Hit(chunk, score=1.0)], question=q)
    assert right.kept[0][0].startswith("No. The Kremlin refuted") and not right.dropped


@pytest.mark.parametrize(
    ("passage", "wrong", "right"),
    [
        # the direction of a change, from WordNet's increase/decrease under the two verbs
        (
            "Factory orders dropped a sharp 9% in March, the statistics office said.",
            "Factory orders rose 9% in March, the statistics office said.",
            "Factory orders fell 9% in March, the statistics office said.",
        ),
        (
            "The club's revenue grew by a fifth last season.",
            "The club's revenue shrank by a fifth last season.",
            "The club's revenue increased by a fifth last season.",
        ),
        # continue/discontinue under "stay on" and "step down"
        (
            "Maria Lopez will stay on as chief executive after the merger.",
            "Maria Lopez will step down as chief executive after the merger.",
            "Maria Lopez will remain chief executive after the merger.",
        ),
        # a negation added or removed in the same slot, whatever its governed words
        (
            "Under the new rules, a drone that fails the test cannot be sold in Europe.",
            "Under the new rules, a drone that fails the test can be sold in Europe.",
            "Under the new rules, a drone that fails the test may not be sold in Europe.",
        ),
    ],
)
def test_round4_slot_opposites(passage: str, wrong: str, right: str) -> None:
    from assistant.slot_opposites import slot_opposites

    assert slot_opposites(wrong, passage), wrong
    assert contradictions(wrong, Context(passage)), wrong  # no other rule catches these
    assert not slot_opposites(right, passage), (right, slot_opposites(right, passage))
    assert not contradictions(right, Context(passage)), contradictions(right, Context(passage))


@pytest.mark.parametrize(
    ("claim", "passage"),
    [
        # a deny verb is a negation too; a leading "No" is a verdict; "No. 1" a rank
        ("The spokesman would not comment on the calls.", "The spokesman declined to comment on the calls."),
        ("No. The ministry said the rule will not apply to old cars.", "The ministry said the rule will not apply to old cars."),
        ("The game was No. 1 among free apps.", "The game was top among free apps."),
        # nouns after a determiner or a possessive take noun senses only ("ban" the decree)
        ("The regulator asked whether its ban on the ads should last.", "The regulator asked whether its emergency sanction on the ads should last."),
        # a deny phrase the claim moves elsewhere is not a negation dropped from the slot
        ("The Kremlin refuted the claims, with Peskov calling them pure fiction.", "Peskov denied the claims, calling them pure fiction."),
    ],
)  # fmt: skip
def test_round4_slot_rule_spares_paraphrases(claim: str, passage: str) -> None:
    from assistant.slot_opposites import slot_opposites

    assert not slot_opposites(claim, passage), slot_opposites(claim, passage)


def test_intent_kept_by_any_inflection_of_an_intent_verb() -> None:
    # A claim that keeps "trying to" states no more than the passage; the word list missed
    # "trying" and refused a verbatim sentence.
    passage = "Kelce explained that he was trying to remove his tweets before they went viral."
    assert not contradictions(passage, Context(passage))
    assert contradictions("Kelce removed his tweets before they went viral.", Context(passage))


def test_round4_negation_is_read_with_its_head() -> None:
    from assistant import entailment
    from assistant.negation_heads import negation_heads

    # the passage's negation falls on "scored", not on "led", which the claim negates
    passage = "“We led the match for an hour but we haven't scored enough,” said the coach."
    wrong = "The coach said his side did not lead the match."
    assert negation_heads(wrong, passage), wrong
    assert not negation_heads("The coach said his side had not scored enough.", passage)
    # a head the passage negates and the claim asserts; one the passage also asserts is open
    passage2 = "The regulator said the merger will not close this year, whatever the buyers want."
    assert negation_heads("The regulator said the merger will close this year.", passage2)
    assert not negation_heads("The regulator said the buyers want the merger.", passage2)
    # a deny verb governs its head: "declined to comment" is "would not comment"
    assert not negation_heads(
        "The spokesman would not comment on the calls.",
        "The spokesman declined to comment on the calls.",
    )
    # with the rule switched off no other rule catches the first claim
    assert contradictions(wrong, Context(passage))
    saved = entailment.negation_heads
    try:
        entailment.negation_heads = lambda c, s: []  # type: ignore[assignment]
        assert not contradictions(wrong, Context(passage)), contradictions(wrong, Context(passage))
    finally:
        entailment.negation_heads = saved  # type: ignore[assignment]


def test_round4_an_actor_referred_to_comes_from_just_before() -> None:
    # The aligned sentence names no one but the claim's own names: "the visit" refers back.
    passage = (
        "Senator Ruiz toured the Danfield plant in May. The visit led Danfield to halt the layoffs."
    )
    claim = "Ruiz's visit led Danfield to halt the layoffs."
    assert not contradictions(claim, Context(passage)), contradictions(claim, Context(passage))
    # Where it names another party, the actor must be that one.
    swapped = "Senator Ruiz toured the plant in May. Lee's visit led Danfield to halt the layoffs."
    assert contradictions(claim, Context(swapped))


def test_round4_the_actor_after_an_owner_s_title() -> None:
    # "Moscow's spokesman Dmitry Peskov": the actor is Peskov; "Moscow" qualifies the title.
    passage = "Kremlin spokesperson Dmitry Peskov denied the reports, calling them pure fiction."
    claim = "Moscow's spokesman Dmitry Peskov denied the reports, calling them pure fiction."
    reasons = contradictions(claim, Context(passage))
    assert not any(r.startswith("actor") for r in reasons), reasons
    # The named actor itself must still be the passage's.
    assert contradictions(
        "Moscow's spokesman Sergei Lavrov denied the reports, calling them pure fiction.",
        Context(passage),
    )
