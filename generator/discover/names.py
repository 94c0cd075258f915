"""Finding capitalised names in article text: the first half of ``discover``.

One regular expression finds every run of capitalised words ("Gordon Brown",
"Bank of England", "U.S.") in C; Python then looks only at those runs, so a
21,000-article archive is read in a few seconds. A run is cut into candidate
names with the help of corpus-wide counts (``WordStats``): a sentence's first
word is capitalised by grammar, not because it is a name, so it is kept only
when the archive also writes it capitalised mid-sentence more often than in
lower case ("Analysts said" loses "Analysts", "Brown said" keeps "Brown").
Each candidate keeps the evidence around it that ``discover`` uses to guess a
type: a title or honorific in front ("Mr", "Finance Minister"), a role noun
("spokesman John Smith"), the pronoun after "said" ("said it" / "said he"),
and the word before ("in", "the").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from generator.discover.gazetteer import place_strength
from generator.inputs.seeds import Block

_UPPER = "".join(c for c in map(chr, range(0x41, 0x2000)) if c.isupper() and c.isalpha())
_U = f"[{re.escape(_UPPER)}]"
ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "St", "Sen", "Rep", "Gen", "Col", "Gov", "Lt", "Capt", "Prof", "Sgt",
                 "Adm", "Rev", "Jr", "Sr", "Inc", "Corp", "Co", "Ltd", "Bros", "Messrs", "Mt", "Ft")
CONNECTORS = ("of", "for", "on", "and", "&", "the", "de", "del", "della", "di", "da", "du", "des", "la", "le",
              "van", "von", "der", "den", "al", "el", "bin", "ibn", "y")
_TOKEN = (
    rf"(?:(?:{'|'.join(ABBREVIATIONS)})\.(?!\w)"  # Mr. Brown, Texaco Inc.
    rf"|{_U}\.(?:{_U}\.)+"  # U.S., N.Z.
    rf"|{_U}\.(?= {_U})"  # the K. of Gerald K. Bouey
    rf"|{_U}\w*(?:[-'’&]\w+)*"  # Brown, Abdel-Hadi, O'Neill, AT&T, Brown's
    rf"|[a-z]{{1,4}}{_U}[a-z]{{2,}}\w*(?:['’]s)?)"  # iPod, eBay, iTunes: a brand written with a small first letter
)
# A short number closing a run is part of the name ("Channel 4", "Radio 4", "Group 4"), unless a unit follows.
_NUMBER = r"(?: \d{1,3}(?![\w%]|[.,]\d| ?(?:pct|per|percent|mln|bln|million|billion|dlrs|cts|pc)\b))?"
_CONN = "(?:" + "|".join(re.escape(c) for c in CONNECTORS) + ")"
_RUN = re.compile(rf"(?<![\w.'’&-]){_TOKEN}(?: (?:{_CONN} )*{_TOKEN})*{_NUMBER}")
_SPLIT = re.compile(r" +")
_AFTER = re.compile(r",? (?:said|says|told|added|stated|reported|announced) (he|she|it|they|his|her|its)\b")
# What follows a name and says what it is: ", who ..." and ", 74," a person; "X have won" a team or party
# (British English gives a body a plural verb, a person or place never takes one).
_APPOSITION = re.compile(r", (?:(who|whose)\b|(\d{1,2}),)| (have|are|were)\b(?! (?:been|to)\b)")
# Words before a name that make it a business or a body: "shares in Google", "analysts at Barclays".
_HOLDING = re.compile(r"\b(?:shares|stake|stakes|holding|investment|investors|shareholders|analysts|executives|staff|"
                      r"employees|workers|bid for|takeover of|offer for|subsidiary of|unit of) (?:in|at|of|for)\s*$")
_ROLE_AFTER = re.compile(r"(?:['’]s?)? (chairman|chairwoman|chief|president|manager|striker|midfielder|defender|goalkeeper|"
                         r"coach|boss|spokesman|spokeswoman|spokesperson|director|executive|shares|shareholders|"
                         r"subsidiary|unit|officials|employees|staff|leader|leadership|manifesto|candidate|candidates|"
                         r"mp|mps|meps|peer|peers|members|fans|players|squad|profits|profit|"
                         r"revenues|sales|customers|subscribers|headquarters|website|owner|owners|board|"
                         r"stock|share|bosses|spokesmen|government|party|councillor|councillors)\b")
# A film, book or show, not a person or a body: "King Kong star Naomi Watts", "the film King Kong".
_WORK_AFTER = re.compile(r" (star|stars|remake|sequel|premiere|soundtrack|trailer|screenplay|box office)\b")
WORK_NOUNS = frozenset("""
film films movie remake sequel album novel book song single musical opera sitcom drama documentary blockbuster
""".split())
# Lower-case nouns right before a name that say it is a body: "search firm Google", "regulator Ofcom".
ORG_NOUNS = frozenset("""
firm company group club side rival rivals regulator broadcaster operator retailer maker giant carrier airline
insurer bank watchdog party union network channel label studio studios team newspaper paper publisher
supermarket chain brewer manufacturer conglomerate charity broadcasters station agency champions holders
""".split())
_BEFORE = re.compile(r"([A-Za-z]+)[^\w.!?:;]*$")
_LOWER_WORD = re.compile(r"\b[a-z]+\b")
_DIGITS = re.compile(r"\S*\d\S*")
_TICKER = re.compile(r"<[A-Z][A-Z.&]{0,7}>")  # "<MER>": a stock ticker, not a name
_CODE = re.compile(r"^[A-Z]{1,3}-?\d+[A-Z]?$")  # A-1, M-3, F-16: ratings, money supply, products
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")

# Words that take a name after them: evidence of a person.
TITLES = frozenset("""
mr mrs ms miss mme dr sir dame lord lady baroness president vice-president premier minister secretary chancellor
senator sen rep representative congressman congresswoman governor gov mayor chairman chairwoman chief judge justice
king queen prince princess pope ayatollah sheikh sheik emir sultan gen colonel col captain capt lieutenant lt
sergeant sgt admiral adm commissioner ambassador treasurer speaker spokesman spokeswoman professor prof
rev reverend cardinal bishop archbishop rabbi imam coach detective inspector superintendent
mp mep msp director
""".split())
# Titles that name a person with one word after them ("King Fahd", "Lord Young"): the title stays in the name,
# because the word alone is often no name of that person ("King Kong" is a film, "Kong" nobody).
STYLE_TITLES = frozenset("king queen prince princess pope emir sultan sheikh sheik lord lady baroness".split())
# Titles after which capitalised words name the holder's party or seat, not a portfolio ("Labour MP ...").
SEAT_TITLES = frozenset("mp mep msp".split())
# Words that may stand between a country and a title ("West German Finance Minister").
TITLE_MODIFIERS = frozenset("""
prime deputy vice foreign finance trade economy economics economic defence defense interior oil energy agriculture
agricultural industry industrial labour labor health education justice home transport communications commerce
planning budget treasury state chief executive acting former senior assistant under junior first second general
managing central bank petroleum mines mining fisheries information culture environment social welfare public
works tourism sports sport culture minister secretary president governor chairman director manager shadow
""".split())
# Lower-case nouns that introduce a person's name ("said spokesman John Smith").
ROLE_NOUNS = frozenset("""
spokesman spokeswoman spokesperson chairman chairwoman president minister secretary director executive analyst
economist official governor manager striker midfielder defender goalkeeper coach boss captain singer actor
actress author leader chancellor premier senator treasurer trader dealer dealers analysts officials economists
player star writer novelist artist politician lawyer attorney judge envoy ambassador negotiator commissioner
founder owner investor financier colonel candidate mp aide adviser advisor
""".split())
# Words whose number is a place in a sequence, not part of a name ("Chapter 11", "Section 5", "Game 7").
NUMBERED = frozenset("""
chapter section article clause rule form schedule title part page table figure item phase stage round class series
type grade level tier week game day number no act paragraph annex appendix note line gate terminal platform room
""".split())
PLACE_PREPOSITIONS = frozenset("in at from near to across throughout into outside inside via".split())
# Capitalised words that are never names on their own.
STOPWORDS = frozenset("""
a an the and or but if then so because as at by for from in into of on onto to with without about above after
against along among around before behind below beneath beside between beyond during except inside near off out
outside over past since through throughout till toward towards under until up upon within i me my we our you
your he him his she her it its they them their this that these those there here what which who whom whose
when where why how all any both each few more most other some such no nor not only own same than too very can
will just should now also yet still however meanwhile although though while whether once even perhaps
mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday january february march
april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
today tomorrow yesterday tonight mr mrs ms dr
one two three four five six seven eight nine ten eleven twelve
shr shrs qtr qtly mths mth mthly div divs avg revs dlrs dlr cts pct mln bln vs oper net note
""".split())  # the last line: newswire abbreviations of common words ("Shr 12 cts vs 23 cts")
CALENDAR = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december jan feb mar apr jun jul aug sep sept oct nov dec
easter christmas ramadan thanksgiving hanukkah diwali
""".split())
# Acronyms that are abbreviations of common nouns, not names.
ACRONYM_STOPWORDS = frozenset("""
GDP GNP VAT CEO CFO COO TV PC CD DVD DNA AIDS HIV AM PM FM OK USB PR IT ID VS AGM IPO EPS PE RPI CPI PPI
LIBOR NB PS FY QTR MLN BLN DLRS CTS PCT PLC LTD INC CORP CO NOTE THE AND FOR GMT EST EDT BST CET PST
UTC OK RE CC
""".split())
# Adjectives of nationality and belief; a candidate that ends in one is an adjective ("West German").
DEMONYMS = frozenset("""
american british english french german dutch swiss greek soviet russian chinese japanese arab arabian
irish scottish scots welsh european asian african western eastern northern southern islamic muslim christian
catholic protestant jewish sunni shia shiite communist socialist latin nordic scandinavian filipino basque
kurdish spanish italian polish swedish danish norwegian finnish turkish iranian iraqi israeli palestinian
saudi egyptian indian pakistani afghan brazilian argentine argentinian mexican canadian australian korean
thai vietnamese indonesian malaysian nigerian kenyan libyan syrian lebanese jordanian kuwaiti venezuelan
colombian chilean peruvian cuban belgian austrian portuguese hungarian czech romanian bulgarian
yugoslav ukrainian taiwanese singaporean zambian zimbabwean ghanaian ethiopian sudanese moroccan
algerian tunisian ecuadorean ecuadorian bolivian uruguayan paraguayan asean ugandan tanzanian
republican democratic communist socialist
""".split())  # the plurals ("the Democrats", "the Conservatives") are parties, so they are not listed
_DEMONYM_SUFFIX = re.compile(r"(?:ese|ian|ean|ish|i)$")
# Last words that make a name an organisation's ("Texaco Inc", "Bank of England" has its head first).
ORG_SUFFIXES = frozenset("""
inc corp co ltd plc llc llp ag sa nv bv gmbh spa ab asa oy kk bhd pty lp fc afc cf brothers bros
""".split())
ORG_HEADS = ORG_SUFFIXES | frozenset("""
corporation company companies group holdings holding partners party bank banks council ministry agency department
commission committee association federation union institute institution university college school academy
board fund authority office organisation organization foundation trust society church airlines airline airways
motors industries systems securities reserve congress parliament senate assembly court police army navy
government administration service services club league communications technologies technology electric
electronics petroleum energy steel chemical chemicals foods exchange bourse times post news journal telegraph
herald tribune network networks broadcasting centre center hospital museum orchestra band studios pictures
records insurance bancorp bankshares financial investments capital trust railway railways railroad shipping
mining mines resources utilities pharmaceuticals house markets labs laboratories cooperative treasury
secretariat organisation directorate bureau command forces movement alliance coalition agreement
arrangement
""".split())
ORG_FIRST = frozenset("""
bank ministry department university college council association organisation organization federation union
institute commission committee board church house court fund office agency league society group
""".split())


def _lower(token: str) -> str:
    return token.lower().rstrip(".")


def is_org_name(tokens: tuple[str, ...]) -> bool:
    """Shaped like an organisation's name: "Texaco Inc", "Finance Ministry", "Bank of Japan"."""
    if _lower(tokens[-1]) in ORG_HEADS:
        return True
    return len(tokens) > 2 and _lower(tokens[0]) in ORG_FIRST and tokens[1] in ("of", "for")


@dataclass(slots=True)
class Run:
    """A run of capitalised words as written, with the context around it."""

    tokens: tuple[str, ...]
    block: int
    start: int
    initial: bool  # at the start of a sentence: its first word may be capitalised by grammar only
    before: str  # the word before, lower-cased ("" at the start of a block)
    pronoun: str  # "he", "she", "it" or "they" in "..., said it", else ""
    owner: bool = False  # followed by a role ("Arsenal striker", "Microsoft chairman"): a body's name
    apposition: str = ""  # "who" (", who ..."), "age" (", 74,") or "plural" ("Chelsea have won")
    holding: bool = False  # after "shares in", "analysts at": a business
    work: bool = False  # followed by "star", "remake", ...: a film, book or show


@dataclass(slots=True)
class Candidate:
    """One possible name found in the text, with the evidence around it."""

    tokens: tuple[str, ...]  # the name as written, no title, no possessive
    block: int
    start: int
    title: str = ""  # a title in front: "Minister", "Mr"
    before: str = ""  # the word before the name, lower-cased
    pronoun: str = ""
    initial: bool = False  # the name itself started a sentence
    owner: bool = False  # a role or title follows it: "Arsenal striker", "Bank of England Governor"
    apposition: str = ""  # see Run
    holding: bool = False
    work: bool = False

    @property
    def form(self) -> str:
        return " ".join(self.tokens)


@dataclass
class WordStats:
    """Corpus-wide counts that tell names from words capitalised by grammar."""

    lower: Counter = field(default_factory=Counter)  # word -> times written in lower case
    capital_mid: Counter = field(default_factory=Counter)  # word -> times capitalised not at a sentence start
    capital_last: Counter = field(default_factory=Counter)  # ... as the last word of a run ("Brown", "Japan")
    pairs_mid: set = field(default_factory=set)  # (word, next word) capitalised together mid-sentence
    before_title: Counter = field(default_factory=Counter)  # word -> times right before a title ("Finance Minister")

    def common(self, word: str) -> bool:
        """A word the archive mostly writes in lower case (so a capital means a sentence start)."""
        low = word.lower()
        return low in STOPWORDS or self.lower.get(low, 0) > self.capital_mid.get(word, 0)

    def common_alone(self, word: str) -> bool:
        """Alone, a word is a name only if it ends capitalised runs more often than it is written in lower case.

        "Federal" is capitalised in "Federal Reserve" thousands of times but
        written "federal" more often than it ends a name.
        """
        low = word.lower()
        return low in STOPWORDS or self.lower.get(low, 0) > self.capital_last.get(word, 0)


def _skip_block(text: str) -> bool:
    """Tables ("Shr 12 cts vs 23 cts") and shouted lines give no names worth proposing."""
    words = text.split()
    if len(words) < 4:
        return False
    if len(_DIGITS.findall(text)) * 10 >= len(words) * 3:
        return True
    return sum(map(str.isupper, words)) > 0.6 * len(words)


def _is_initial(text: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and text[j] in " \"'“‘(«[—–-":
        j -= 1
    if j < 0:
        return True
    if text[j] in ":;!?":
        return True
    if text[j] != ".":
        return False
    word = _BEFORE.search(text, max(0, j - 12), j)
    return not (word and word.group(1) in ABBREVIATIONS and word.group(1) not in ("Inc", "Corp", "Co", "Ltd", "Jr", "Sr"))


def find_runs(blocks: Iterable[Block]) -> tuple[list[Run], list[str]]:
    """Capitalised runs in an article's paragraphs, and the paragraphs' texts (for lower-case counts).

    Headings and the last paragraph when it is a short sign-off are skipped:
    both are capitalised for layout, not because they are names.
    """
    blocks = list(blocks)
    runs: list[Run] = []
    texts: list[str] = []
    for b, block in enumerate(blocks):
        text = block.text
        if block.kind != "p" or _skip_block(text):
            continue
        if b == len(blocks) - 1 and b > 0 and len(text.split()) <= 3 and not text.endswith((".", "!", "?")):
            continue  # a sign-off such as "Reuter" or "Our correspondent"
        texts.append(text)
        if "<" in text:
            text = _TICKER.sub(lambda m: " " * len(m.group()), text)
        for m in _RUN.finditer(text):
            start, end = m.span()
            before = _BEFORE.search(text, max(0, start - 24), start)
            after = _AFTER.match(text, end)
            apposition = _APPOSITION.match(text, end)
            kind = ""
            if apposition:
                kind = "who" if apposition.group(1) else "age" if apposition.group(2) else "plural"
                if kind == "plural" and (" and " in m.group() or m.group().endswith(("s", "'s", "’s"))):
                    kind = ""  # "Blair and Brown are", "the Tories are": no sign of a body
            runs.append(Run(
                tokens=tuple(_SPLIT.split(m.group())),
                block=b,
                start=start,
                initial=_is_initial(text, start),
                before=before.group(1).lower() if before and text[before.end(1):start].strip() == "" else "",
                pronoun=after.group(1) if after else "",
                owner=bool(_ROLE_AFTER.match(text, end)),
                apposition=kind,
                holding=bool(_HOLDING.search(text, max(0, start - 30), start)),
                work=bool(_WORK_AFTER.match(text, end)) and not _POSSESSIVE.search(m.group()),  # not "Jackson's remake"
            ))
    return runs, texts


def count_words(stats: WordStats, runs: list[Run], texts: list[str]) -> None:
    """Add one article's counts to ``stats``."""
    stats.lower.update(_LOWER_WORD.findall("\n".join(texts)))
    for run in runs:
        words = [t for t in run.tokens if t not in CONNECTORS]
        first = 1 if run.initial else 0
        stats.capital_mid.update(words[first:])
        if len(words) > first:
            stats.capital_last[words[-1]] += 1
        for a, b in zip(words[first:], words[first + 1:], strict=False):
            stats.pairs_mid.add((a, b))
            if _is_title(b):
                stats.before_title[a] += 1


def is_demonym(word: str) -> bool:
    """ "Japanese", "Britons", "Philippine": adjectives and nouns of nationality, not names."""
    low = word.lower()
    if low in DEMONYMS or (low.endswith("s") and low[:-1] in DEMONYMS):
        return True
    return not place_strength(word) and place_strength(word + "s") >= 3.0


def _clean(token: str) -> str:
    if token.endswith(".") and token[:-1] in ABBREVIATIONS:
        return token[:-1]
    return token


def _is_title(token: str) -> bool:
    return _clean(token).lower() in TITLES


def _segments(tokens: tuple[str, ...]) -> list[list[str]]:
    """Cut a run after a possessive ("Japan's Finance Ministry") and at a leading "U.S.", stripping the 's.

    A possessive inside a firm's name stays ("Moody's Investors Service Inc",
    "McDonald's Corp") unless the owner is a place.
    """
    out: list[list[str]] = [[]]
    for i, tok in enumerate(tokens):
        if _POSSESSIVE.search(tok) and tok not in CONNECTORS:
            bare = _POSSESSIVE.sub("", tok)
            last = _clean(tokens[-1]).lower()
            if i + 1 < len(tokens) and last in ORG_HEADS and not place_strength(bare) and tokens[i + 1] not in CONNECTORS:
                out[-1].append(tok)
                continue
            out[-1].append(bare)
            out.append([])
        else:
            out[-1].append(tok)
    segs = []
    for seg in out:
        if len(seg) > 1 and "." in seg[0][:-1] and seg[0].replace(".", "").isupper() and place_strength(seg[0]):
            segs.append([seg[0]])  # "U.S. Treasury": the country and the office
            seg = seg[1:]
        segs.append(seg)
    return [s for s in segs if s]


def _trim(tokens: list[str]) -> list[str]:
    """Drop connectors, a lone initial and dates from the ends ("Pay May" is a dividend table).

    A closing number stays only after a word that may carry one ("Channel 4"), not after a date ("June 5").
    """
    while tokens and tokens[-1].isdigit():
        if len(tokens) > 1 and tokens[-2][:1].isupper() and not _dropped_at_ends(tokens[-2]) and len(tokens[-2]) > 1 \
                and tokens[-2].lower() not in NUMBERED:
            break
        tokens = tokens[:-1]
    while tokens and not tokens[-1].isdigit() and (
            tokens[-1] in CONNECTORS or (tokens[-1].endswith(".") and len(tokens[-1]) == 2)
            or _dropped_at_ends(tokens[-1]) or len(tokens[-1]) == 1):
        tokens = tokens[:-1]
    while tokens and (tokens[0] in CONNECTORS or _dropped_at_ends(tokens[0]) or
                      (tokens[0].lower() in STOPWORDS and tokens[0] != "The")):
        tokens = tokens[1:]
    return tokens


def _dropped_at_ends(token: str) -> bool:
    """Dates, numbers, table words and codes ("Class A", "A-1", "Pay May") are not part of a name."""
    low = token.lower()
    return low in CALENDAR or (low in STOPWORDS and low not in ("the", "a")) or bool(_CODE.match(token))


def _split_and(tokens: list[str]) -> list[list[str]]:
    """Cut at "and" unless it joins the words of one name.

    "Britain and France", "Texaco Inc and Exxon Corp" and "the Fed and the
    Treasury" are two names each; "Food and Drug Administration" and "Goldman
    Sachs and Co" are one: the words after "and" end in an organisation's head
    while the words before are no complete name.
    """
    if "and" not in tokens:
        return [tokens]
    at = tokens.index("and")
    left, right = tokens[:at], tokens[at + 1:]
    if not left or not right or right[0] == "the" or place_strength(" ".join(left)):
        joined = False
    elif len(left) > 2 and _lower(left[0]) in ORG_FIRST and left[1] in ("of", "for"):
        # "Ministry of International Trade and Industry", not "Bank of Japan and Finance Ministry"
        joined = not is_org_name(tuple(right)) and not place_strength(" ".join(right))
    elif any(_lower(t) in ORG_HEADS for t in left[:-1]) and len(right) == 1 and _lower(right[0]) not in ORG_HEADS:
        joined = True  # "General Agreement on Tariffs and Trade"
    else:
        joined = (len(left) == 1 or _lower(left[-1]) not in ORG_HEADS) and _lower(right[-1]) in ORG_HEADS
    if joined:
        return [tokens]
    return [left, *_split_and(right)]


@dataclass(frozen=True, slots=True)
class Piece:
    """One name cut from a run: what ``cut`` decides from the words alone (cached per distinct run)."""

    tokens: tuple[str, ...]
    title: str
    offset: int  # characters from the run's start (approximate after a possessive)
    leading: bool  # starts the run: the word before the run is the word before it
    initial: bool
    owner: bool = False  # a title follows it inside the run ("Bank of England Governor ...")


def _after_title(seg: list[str], at: int) -> tuple[str, list[str], list[str]]:
    """(title, the name after it, an employer named by "of ...") for the title at ``seg[at]``.

    "Secretary General Kofi Annan": more title words are skipped. "Secretary
    of State James Baker": a portfolio after "of" is skipped too, but "Chief
    Executive of AOL UK" names an employer, not a person. "King Fahd", "Lord
    Young": a style keeps its one word ("King Kong" is no "Kong").
    """
    title = _clean(seg[at])
    rest = seg[at + 1:]
    while len(rest) > 1 and (_clean(rest[0]).lower() in TITLE_MODIFIERS or _is_title(rest[0])):
        rest = rest[1:]
    if rest and rest[0] == "of" and len(rest) > 1:
        skip = 2 if rest[1] != "the" else 3
        tail = rest[skip:]
        if len(tail) >= 2 and tail[0] not in CONNECTORS:
            return title, tail, []  # Secretary of State James Baker, Chancellor of the Exchequer Nigel Lawson
        return "", [], _trim(rest[1:])
    if len(rest) == 1 and title.lower() in STYLE_TITLES:
        before = [t for t in seg[:at] if _is_title(t)]
        return (_clean(before[-1]) if before else ""), [title, *rest], []
    return title, rest, []


def _title_start(seg: list[str], at: int) -> int:
    """Where the words of a title begin: "West German Finance Minister" -> at "Finance".

    A seat ("Labour MP", "East Midlands MEP") is preceded by its party or place, not a portfolio.
    """
    if _clean(seg[at]).lower() in SEAT_TITLES:
        return at
    i = at
    while i > 0 and (_clean(seg[i - 1]).lower() in TITLE_MODIFIERS or _is_title(seg[i - 1]) or seg[i - 1] in CONNECTORS):
        i -= 1
    return i


def _strip_nationality(part: list[str], stats: WordStats) -> list[str]:
    """ "Russian Nikolay Davydenko" -> "Nikolay Davydenko": a nationality before a person's name is no part of it.

    Only before two or more capitalised words that are no organisation or
    place: "British Airways", "Irish Republican Army" and "French Open" stay.
    """
    if len(part) < 3 or not is_demonym(part[0]) or not all(t[:1].isupper() and t.replace("-", "").isalpha() for t in part[1:]):
        return part
    if is_org_name(tuple(part)) or place_strength(" ".join(part[1:])) or stats.common(part[1]):
        return part  # "European Currency Units": "currency" is a word, not a first name
    return part[1:]


def cut(tokens: tuple[str, ...], initial: bool, stats: WordStats) -> tuple[Piece, ...]:
    """Cut a run's words into names: titles stripped, grammar capitals dropped, "and" and possessives split."""
    out: list[Piece] = []
    toks = list(tokens)
    start = 0
    if initial and toks:
        first = _clean(toks[0])
        keep = (_is_title(first) and len(toks) > 1) or (first.lower() not in STOPWORDS and (not stats.common(first) or (
            len(toks) > 1 and (first, toks[1]) in stats.pairs_mid)))  # "Mr Blair spoke": Mr is a title
        if not keep:
            start += len(toks[0]) + 1
            toks = toks[1:]
            initial = False
    offset = start
    for seg in _segments(tuple(toks)):
        seg_start = offset
        offset += len(" ".join(seg)) + 3
        title, rest = "", seg
        last_title = max((i for i, t in enumerate(seg[:-1]) if _is_title(t)), default=-1)
        if last_title >= 0 and _clean(seg[-1]).lower() in ORG_HEADS:
            last_title = -1  # "General Motors Corp", "Justice Department": the title word is part of the name
        if last_title >= 0:
            title, rest, employer = _after_title(seg, last_title)
            if employer:  # "Chief Executive of AOL UK": AOL UK is the employer, no person is named
                out.append(Piece(tuple(_clean(t) for t in employer), "", seg_start, False, False, True))
            head = _trim(seg[:_title_start(seg, last_title)])
            if head and not is_demonym(head[-1]):  # "Bank of England Governor ...": the owner of the title
                out.append(Piece(tuple(_clean(t) for t in head), "", seg_start, seg_start == start, initial, True))
        for n, part in enumerate(_split_and(_trim(list(rest)))):
            part = _strip_nationality(_trim(part), stats)
            if part:
                lead = seg_start == start and not title
                out.append(Piece(tuple(_clean(t) for t in part), title if n == 0 else "", seg_start, lead,
                                 initial and lead))
    return tuple(out)


def candidates(run: Run, stats: WordStats, cache: dict | None = None) -> list[Candidate]:
    """Cut one run into candidate names, with the evidence around them."""
    key = (run.tokens, run.initial)
    pieces = cache.get(key) if cache is not None else None
    if pieces is None:
        pieces = cut(run.tokens, run.initial, stats)
        if cache is not None:
            cache[key] = pieces
    out = [Candidate(p.tokens, run.block, run.start + p.offset, p.title, run.before if p.leading else "", "", p.initial,
                     p.owner) for p in pieces]
    if out:
        out[-1].pronoun = run.pronoun  # "..., said it" speaks of the name just before
        out[-1].owner = out[-1].owner or run.owner
        out[-1].apposition = run.apposition
        out[-1].work = run.work
        out[0].holding = run.holding and out[0].start == run.start
    return out
