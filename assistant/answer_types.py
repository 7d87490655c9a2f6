"""What a question asks for: `classify` reads the answer type off its wording (person,
organisation, publication, number, date, place, yes/no, explanation, other), with the noun a
number question counts and whether it asks for several. assistant/spans.py finds the
passage spans of each type."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Kinds a question can ask for; the first six are answered by a span of text.
FACTOID = ("person", "organisation", "publication", "number", "date", "place")
KINDS = (*FACTOID, "yes_no", "explanation", "other")

_AUX = (
    r"(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|shall|may|might|must)"
)
_YES_NO_START = re.compile(rf"^\s*{_AUX}\b", re.I)
# "After the report on ..., was there a change ...?": a yes/no clause after the set-up.
_YES_NO_LATE = re.compile(rf",\s*(?:and\s+)?{_AUX}\s+(?:there|the|it|this|these|both|they)\b", re.I)
# "After Sporting News reported ..., did Rivals report ...?": an outlet as the subject, unless
# a wh-clause came first ("Considering ..., which company, known for ..., has ...?").
_YES_NO_NAMED = re.compile(rf",\s*(?:and\s+)?{_AUX}\s+(?-i:[A-Z])[\w’'&.-]*", re.I)
_WH_LATE = re.compile(r",\s*(?:which|what|who|whom|whose|where|when|how)\b", re.I)
_WH_START = re.compile(r"^\s*(?:who|whom|whose|what|which|when|where|why|how)\b", re.I)
_NUMBER_Q = re.compile(
    r"\bhow (?:many|much|long|old|far|large|big|often|tall|high|fast|heavy)\b"
    r"|\bwhat (?:is |was |are |were )?(?:the )?(?:percent(?:age)?|number|share|amount|price|cost|"
    r"population|total|size|rate|age|score|sum|value|figure|valuation|salary|fine|budget|"
    r"revenue|death toll|toll)\b",
    re.I,
)
_DATE_Q = re.compile(
    r"^\s*when\b|\b(?:what|which) (?:day|date|year|month|time|week)\b|\bon which day\b"
    r"|\bin (?:what|which) (?:year|month)\b",
    re.I,
)
# Up to three modifiers before the noun ("which women's tennis organisation"), never a verb
# ("what did Chinese President Xi say" asks for no president).
_ROLE = rf"(?:(?!{_AUX}\b)[\w’'-]+ ){{0,3}}"
_PLACE_Q = re.compile(
    rf"^\s*where\b|\bwhat (?:is|was) the capital\b|\b(?:which|what) {_ROLE}(?:city|cities|village|villages|region|regions|river|"
    r"town|towns|place|places|airport|airports|country|countries|state|states|province|county|"
    r"island|capital|location|area|district|neighbou?rhood|continent|sea)\b",
    re.I,
)
_PUBLICATION_Q = re.compile(
    rf"\b(?:which|what) {_ROLE}(?:newspaper|newspapers|outlet|outlets|publication|publications|"
    r"magazine|magazines|paper|website|news organi[sz]ation|news source|news outlet|media|"
    r"broadcaster|network|source|sources)\b",
    re.I,
)
_ORG_Q = re.compile(
    rf"\b(?:which|what) {_ROLE}(?:company|companies|firm|firms|organi[sz]ations?|agency|agencies|"
    r"team|teams|group|groups|bank|banks|startup|startups|club|clubs|party|parties|brand|brands|"
    r"retailer|retailers|platform|platforms|app|apps|entity|entities|institution|institutions|"
    r"university|body|manufacturer|maker|automaker|developer|studio|league|government|ministry|"
    r"union|exchange|fund|service|business|businesses|corporation|giant|tech giant)\b",
    re.I,
)
_PERSON_Q = re.compile(
    r"^\s*(?:who|whom|whose)\b"
    rf"|\b(?:which|what) {_ROLE}(?:person|people|individual|individuals|official|officials|"
    r"executive|executives|ceo|player|players|leader|leaders|minister|spokes\w*|president|"
    r"director|coach|founder|co-founder|actor|actress|singer|artist|politician|senator|judge|"
    r"lawyer|man|woman|athlete|quarterback|chief|head|secretary|adviser|advisor|figure|"
    r"celebrity|star|author|journalist|reporter|analyst|expert|entrepreneur|billionaire|"
    r"comedian|filmmaker|director|producer|writer|novelist|rapper|musician|host|presenter|"
    r"governor|mayor|prosecutor|attorney|economist|professor|scientist|researcher|doctor|"
    r"ambassador|envoy|chancellor|chairman|chairwoman|commander|general|owner|manager|"
    r"striker|midfielder|defender|goalkeeper|pitcher|receiver|rookie|candidate|suspect|victim|"
    r"prince|princess|king|queen|pope)\b"
    r"|\bname of (?:the |\w+['’]s )?(?:\w+ )?(?:minister|secretary|spokes\w*|president|director|"
    r"ceo|chief|leader|head|adviser|advisor|official)\b",
    re.I,
)
_EXPLAIN_Q = re.compile(r"^\s*(?:why|how)\b|\b(?:what|which) (?:reason|caused|explains)\b", re.I)
# Nouns after "how many" up to the verb: the last is what is counted ("Moscow airports").
_WHAT_THE = re.compile(r"^\s*(?:what|which)\s+(?:is|was|are|were)\s+(the\s+[^?]+?)\s*\??\s*$", re.I)


@dataclass(frozen=True)
class QuestionType:
    """What the question asks for. `also` lists kinds accepted in place of `kind` ("who"
    questions are often answered by a company); `many`: it asks for several."""

    kind: str
    many: bool = False
    focus: str | None = None  # the counted or measured noun ("drones", "population")
    also: tuple[str, ...] = ()
    unit: str | None = None  # money | age | percent: what a number answer must carry

    @property
    def factoid(self) -> bool:
        return self.kind in FACTOID

    def accepts(self, kind: str) -> bool:
        return kind == self.kind or kind in self.also or (kind == "name" and self.kind in _NAMED)


_NAMED = ("person", "organisation", "place", "publication")


def classify(question: str) -> QuestionType:
    """The answer type the question's wording asks for."""
    q = " ".join(question.split())
    late = _YES_NO_LATE.search(q) or (_YES_NO_NAMED.search(q) and not _WH_LATE.search(q))
    if _YES_NO_START.match(q) or (not _WH_START.match(q) and late):
        return QuestionType("yes_no")
    many = bool(
        re.search(
            r"\b(?:which|what) (?:\w+ )?(?:companies|firms|people|individuals|countries|cities|"
            r"outlets|publications|teams|players|officials|organi[sz]ations|sources|newspapers|"
            r"brands|apps|banks|places|villages|towns|regions|entities|startups)\b",
            q,
            re.I,
        )
    )
    if _NUMBER_Q.search(q):
        return QuestionType("number", focus=_focus(q), unit=_unit(q))
    if _DATE_Q.search(q):
        return QuestionType("date")
    if _PUBLICATION_Q.search(q) and not _PERSON_Q.search(q):
        return QuestionType("publication", many, also=("organisation",))
    if _PLACE_Q.search(q):
        return QuestionType("place", many)
    if _ORG_Q.search(q):
        return QuestionType("organisation", many, also=("publication",))
    if _PERSON_Q.search(q):
        # "Who won ..." may be answered by a company; "who is the individual ..." may not.
        bare_who = bool(re.match(r"^\s*(?:who|whom|whose)\b", q, re.I)) and not re.search(
            r"\b(?:person|individual|man|woman|people|figure)\b", q, re.I
        )
        also = ("organisation", "publication") if bare_who or "entity" in q.lower() else ()
        return QuestionType("person", many, also=also)
    if _EXPLAIN_Q.search(q):
        return QuestionType("explanation")
    return QuestionType("other")


def _focus(q: str) -> str | None:
    m = re.search(r"\bhow (?:many|much)\s+([^?]*)", q, re.I)
    if m:
        # The counted noun: the first lower-case word ("how many Ukrainian drones did ...").
        lower = [w for w in re.findall(r"[\w’'-]+", m.group(1)) if w[:1].islower()]
        if lower and not re.fullmatch(_AUX, lower[0], re.I):
            return lower[0].lower()
        return None
    m = _NUMBER_Q.search(q)
    if m:
        last = m.group(0).split()[-1].lower()
        if last not in ("many", "much", "long", "old", "far", "often", "large", "big"):
            return last
    return None


_MONEY_Q = re.compile(
    r"\bhow much (?:\w+ )?(?:money|cash|funding)\b"
    r"|\bhow much\b.*\b(?:pay|paid|cost|spend|spent|raise|raised|earn|earned|worth|charge|sell|"
    r"sold|fine|fined|invest|invested|lose|lost|receive|received)\b"
    r"|\bwhat (?:is |was )?(?:the )?(?:price|cost|value|valuation|salary|fine|budget|revenue)\b",
    re.I,
)


def _unit(q: str) -> str | None:
    if re.search(r"\bhow old\b", q, re.I):
        return "age"
    if re.search(r"\bwhat (?:is |was )?(?:the )?(?:percent(?:age)?|share)\b", q, re.I):
        return "percent"
    return "money" if _MONEY_Q.search(q) else None


def topic(question: str, qtype: QuestionType) -> str:
    """What the question asks about, for a sentence saying the articles do not give it."""
    q = " ".join(question.split()).rstrip("?. ")
    m = _WHAT_THE.match(q + "?")
    if m:
        return m.group(1)
    if qtype.kind == "number" and qtype.focus:
        return f"the number of {qtype.focus}" if qtype.focus.endswith("s") else f"the {qtype.focus}"
    noun = {
        "person": "the person",
        "organisation": "the organisation",
        "publication": "the publication",
        "date": "the date",
        "place": "the place",
        "number": "the figure",
    }.get(qtype.kind, "the answer")
    return f"{noun} the question asks for"
