"""Regenerate tests/fixtures/search_vectors.json, the analyzer's agreement file.

    python -m generator.search.vectors > tests/fixtures/search_vectors.json

Expected values come from the Python analyzer; pytest re-checks them against
analysis.py and ``node --test`` against search-analysis.js, so a change on one side
without the other fails both suites.  The inputs are fixed in this file (no
corpus needed) so the vectors are reproducible.
"""

from __future__ import annotations

import json
import sys

from generator.search.analysis import (
    EXCEPTIONS,
    SHORT_WORD,
    STOP_WORDS,
    analyze,
    porter,
    skeleton,
    sound_key,
    spell_keys,
    words,
)
from generator.search.languages import algorithm
from generator.search.multilingual import make_analyzer, tokens
from generator.search.spelling import choose, typing_cost

SENTENCES = [
    "Taliban fighters launched an attack on the Panjshir Valley",
    "Ahmad Massoud's forces and the Northern Alliance",
    "Amrullah Saleh, Afghanistan's former vice-president",
    "FIGHTERS fighter Fighting fought fights",
    "Émile Zola visited Besançon, Zürich and São Paulo",
    "naïve café résumé coöperate façade",
    "İstanbul ΟΔΟΣ Straße Ærøskøbing Łódź",
    "O\u2019Brien didn\u2019t say `rock'n'roll' isn't dead",
    "rock 'n' roll",
    "1,000 terrorists; 30% share; 2021-09-05; 3.5 mln dlrs",
    "<img src=x onerror=alert(1)> <script>alert('x')</script>",
    "regex .* [a-z]+ (foo|bar) ^$ \\d{3} ?+",
    "U.S. TREASURY'S BAKER OPPOSES SECURITIES TAX",
    "OPEC wants 18 dlr oil price - OAPEC official",
    "the and of to a in is it",
    "",
    "   \t\n  ",
    "x y z 1 2 3",
    "ﬁnancial ﬂows ﬀ",
    "Ｆｕｌｌｗｉｄｔｈ ＴＥＸＴ １２３",
    "Москва Кремль новости",
    "北京 東京 서울",
    "مسعود طالبان",
    "emoji 🎉 party 🇺🇸 flags",
    "snake_case_word and kebab-case-word",
    "e-mail co-operation re-elected",
    "hyper" + "a" * 45 + " normal",
    "Mr. Smith's dogs' bones",
    "generalizations oscillators relational conditional",
    "hopping hoping tanned falling filing happy sky",
    "the quick brown foxes jumped over the lazy dogs",
    "What similarity laws must be obeyed when constructing aeroelastic models",
    "MEASUREMENT OF DIELECTRIC CONSTANT OF LIQUIDS BY THE USE OF MICROWAVE TECHNIQUES",
    "National Resistance Front (NRF) spokesperson Fahim Dashti",
    "Islamic Emirate of Afghanistan",
    "don't won't can't shouldn't",
    "'quoted' ''double'' 's",
    "a1b2c3 B52 F-16 MiG-29 covid19",
    "\u00a0non-breaking\u00a0space\u2003em\u2003space",
    "Ahmad\u200bZero\u200dWidth",
]

_WORDS_TEXT = """fighters fighter fighting fought caresses ponies ties caress cats feed agreed plastered bled
motoring sing conflated troubled sized hopping tanned falling hissing fizzed failing filing happy sky
relational conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli
analogousli vietnamization predication operator feudalism decisiveness hopefulness callousness
formaliti sensitiviti sensibiliti triplicate formative formalize electriciti electrical hopeful goodness
revival allowance inference airliner gyroscopic adjustable defensible irritant replacement adjustment
dependent adoption homologou communism activate angulariti homologous effective bowdlerize probate rate
cease controll roll generalizations oscillators taliban massoud panjshir alliance northern resistance
terrorists trapped negotiations governance proposal acceptable emirate casualties fiercest battles
militants spokesperson obstruction retreating captured invasion reporters demanded percent government
newly formed islamic eventually roadblocks exclusive ongoing resistance prices markets traded shares
bundesbank interest rates deficit harvest exports soviet union mining takeover volcker reserve quota
coffee sugar wheat gold dollar treasury securities analysts official meeting wants strong ahead
water paper corner order power number offer after computer computing computed computation nationalism
agreement agreements agreeing argued arguing argument generous generously organization organizations
sky skies dying lying tying news newspaper archived archives archiving searching searched searches
running runner runs ran easily easy easier easiest happiness happier relate related relating relativity
university universal universe universities"""
WORDS = _WORDS_TEXT.split()
# Names in several spellings (transliterations, doubled letters, sound-alike letters).
NAMES = """qadhafi gaddafi kadhafi gadaffi poehl pohl massoud masood masud mourinho mourhino arsenal arsenall
chelsea cehlsea yeltsin jeltsin philippines filipines khrushchev krushchev tchaikovsky chaikovsky mohammed
muhammad mohamed thatcher tatcher schroeder schroder zurich zuerich""".split()


# A made-up lexicon (word, log2 digit of its documents) and typed words, for spelling.choose.
LEXICON = [
    ("blair", 7), ("clare", 1), ("flare", 2), ("blame", 5), ("ipod", 5), ("ipods", 2), ("iraq", 8), ("volcker", 6),
    ("walker", 4), ("thatcher", 5), ("hatcher", 1), ("bundesbank", 7), ("harvest", 4), ("harvets", 0),
    ("mourinho", 6), ("marino", 2), ("schwarzenegger", 5), ("brown", 8), ("brawn", 1), ("gordon", 6),
    ("jordan", 5), ("qadhafi", 3), ("kadafi", 1), ("venezuela", 6), ("kuwait", 6), ("chrysler", 7),
]
TYPED = ["blare", "ipood", "volker", "thacher", "bundesbnak", "harvets", "harvest", "mourino", "shwarzenegger",
         "gordan", "brwon", "kadhafi", "venezeula", "kuwiat", "chrisler", "xqzzv", "blair", "zzzzzzzzzz"]


# Other languages (multilingual.py): each analyser runs over these and SENTENCES; "xx" has no stemmer.
LANGUAGES = ["fr", "de", "es", "it", "ru", "el", "tr", "ar", "fa", "hi", "ta", "zh", "ja", "xx"]
OTHER_SENTENCES = [
    "L'économie française d'aujourd'hui : les activités économiques reprennent",
    "Qu'il vienne jusqu'à l'hôtel de ville, dell'anno, l'Unione",
    "Die Wirtschaftsprüfer prüften die Häuser; Straße, Mädchen",
    "Los niños jugaban en las montañas; económicas, económico",
    "Переговоры в Панджшере зашли в тупик; переговоров, ёлка, новый",
    "Η οικονομία της Ελλάδας ΟΔΟΣ οδός",
    "İstanbul'da ekonomik büyüme yavaşladı; ılık ışık",
    "فشلت المفاوضات بين طالبان وقادة المقاومة، الاقتصاد الأفغاني",
    "اقتصاد افغانستان در آستانه فروپاشی است؛ کتاب‌ها",
    "भारत की अर्थव्यवस्था तेज़ी से बढ़ रही है",
    "தமிழ்நாட்டின் பொருளாதாரம் வளர்ந்து வருகிறது",
    "潘杰希尔谷地的谈判破裂。塔利班与抵抗力量 人 GDP增长2021年",
    "東京都の経済は回復している。カタカナ ｶﾀｶﾅ ひらがな",
    "U.S. Ｆｕｌｌｗｉｄｔｈ ﬁnancial 'quoted' rock'n'roll",
]


def build() -> dict:
    """All cases: sentences and single words through the full analyzer, plus raw Porter stems."""
    cases = []
    for text in SENTENCES + sorted(STOP_WORDS) + WORDS:
        cases.append({"input": text, "words": words(text), "terms": analyze(text)})
    stems = [{"word": w, "stem": porter(w)} for w in [*WORDS, "us", "as", "fighters", *sorted(EXCEPTIONS)]]
    spelling = [{"word": w, "skeleton": skeleton(w), "sound": sound_key(w), "keys": list(spell_keys(w))}
                for w in NAMES + WORDS[:60]]
    costs = [{"typed": t, "word": w, "cost": typing_cost(t, w)} for t in TYPED for w, _d in LEXICON[::3]]
    choices = [{"typed": t, **choose(t, LEXICON).row()} for t in TYPED]
    languages = []
    for code in LANGUAGES:
        an = make_analyzer(code)
        for text in OTHER_SENTENCES + SENTENCES:
            languages.append({"lang": code, "algorithm": algorithm(code), "input": text, "words": tokens(text),
                              "terms": an(text)})
    return {
        "about": "Analyzer agreement vectors: generated by python -m generator.search.vectors; "
                 "checked by tests/search/test_search_analysis.py and tests/js/analysis.test.js.",
        "cases": cases,
        "porter": stems,
        "exceptions": {"short_word": SHORT_WORD, "words": EXCEPTIONS},
        "spelling": spelling,
        "lexicon": [list(e) for e in LEXICON],
        "typing_costs": costs,
        "choices": choices,
        "languages": languages,
    }


if __name__ == "__main__":
    json.dump(build(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
