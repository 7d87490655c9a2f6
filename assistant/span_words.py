"""The words that type a capitalised run in assistant/spans.py: titles before a person's
name, reporting verbs after it, and the head words of organisations, publications, places and
events ("Institute", "Post", "River", "Cup")."""

TITLES = frozenset(
    [
        "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "minister", "secretary",
        "spokesperson", "spokesman", "spokeswoman", "chief", "ceo", "director", "head", "chairman",
        "chairwoman", "chair", "adviser", "advisor", "founder", "co-founder", "judge", "coach",
        "quarterback", "senator", "governor", "mayor", "prince", "king", "queen", "pope", "general",
        "commander", "prosecutor", "lawyer", "attorney", "executive", "officer", "analyst",
        "economist", "professor", "leader", "envoy", "ambassador", "chancellor", "premier",
        "speaker", "manager", "actor", "actress", "singer", "star", "player", "princess", "duke",
        "duchess", "sir", "dame", "lord", "lady", "comedian", "filmmaker", "co-star", "rapper",
        "producer", "writer", "novelist", "friend", "wife", "husband", "partner", "owner",
        "striker", "midfielder", "defender", "goalkeeper", "pitcher", "receiver", "rookie"
    ]
)  # fmt: skip
# Titles that are part of how the name is written ("Prince William", "Sir Keir Starmer").
STYLES = frozenset(
    [
        "prince",
        "princess",
        "king",
        "queen",
        "duke",
        "duchess",
        "sir",
        "dame",
        "lord",
        "lady",
        "pope",
    ]
)
SAYS = frozenset(
    [
        "said", "says", "told", "wrote", "added", "warned", "denied", "argued", "noted",
        "explained", "stated", "claimed", "tweeted", "posted", "admitted", "insisted", "announced",
        "testified", "recalled", "believes", "thinks"
    ]
)  # fmt: skip
ORG_HEADS = frozenset(
    [
        "inc", "corp", "corporation", "co", "ltd", "llc", "plc", "group", "bank", "institute",
        "university", "ministry", "department", "agency", "council", "commission", "committee",
        "party", "association", "foundation", "fund", "authority", "court", "company",
        "technologies", "technology", "labs", "lab", "capital", "partners", "holdings", "systems",
        "motors", "airlines", "army", "forces", "force", "office", "service", "services", "union",
        "league", "club", "fc", "organization", "organisation", "board", "administration",
        "parliament", "senate", "congress", "kremlin", "pentagon", "network", "studios", "studio",
        "games", "entertainment", "media", "records", "pharmaceuticals", "energy", "exchange",
        "reserve", "police", "research", "bureau", "commission"
    ]
)  # fmt: skip
PUB_HEADS = frozenset(
    [
        "post", "times", "journal", "news", "herald", "guardian", "telegraph", "tribune", "gazette",
        "chronicle", "reuters", "bloomberg", "press", "magazine", "daily", "observer",
        "independent", "economist", "wire", "review", "insider", "verge", "techcrunch", "wired",
        "engadget", "axios", "politico", "cnn", "bbc", "cnbc", "npr", "fortune", "forbes",
        "mashable", "gizmodo", "polygon", "variety", "billboard", "vox", "slate", "atlantic",
        "sun", "banner", "mail",
        "mirror", "express", "globe", "standard", "inquirer", "examiner", "register"
    ]
)  # fmt: skip
PLACE_HEADS = frozenset(
    [
        "river", "sea", "ocean", "lake", "mountains", "mountain", "island", "islands", "valley",
        "bay", "strait", "region", "province", "county", "city", "street", "square", "airport",
        "bridge", "dam", "gulf", "peninsula", "coast", "oblast", "village", "town", "district",
        "state", "republic", "store", "bar", "restaurant", "hotel", "stadium", "arena", "theatre",
        "theater", "library", "museum", "hospital", "school", "park", "castle", "palace", "hall",
        "center", "centre"
    ]
)  # fmt: skip
# Events and titles are capitalised like names but answer no who/where question.
EVENT_HEADS = frozenset(
    [
        "cup", "open", "championship", "championships", "series", "award", "awards", "prize",
        "medal", "bowl", "games", "olympics", "tournament", "festival", "conference", "summit",
        "week", "day", "season", "episode", "act", "bill"
    ]
)  # fmt: skip
