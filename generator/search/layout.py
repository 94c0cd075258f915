"""What each browser index file holds: pure functions from index data to file bytes.

File names are functions of content that does not move when an article is
added, edited or removed (a term, a separator, a bundle number, a facet type),
so an update rewrites only the files whose content changed.  See README.md for
the layout; ``templates/assets/search-engine.js`` is the reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from generator.search import SearchDoc
from generator.search.encoding import b36, file_name, script
from generator.util.folders import fnv1a, spread

FORMAT = 5
ROOT = "search/"  # every index path is below this, relative to the site root
# URL parameters of the search page (search-ui.js) that a facet's own may not take: a taxonomy's kind names
# its parameter ("tag=taliban", "desk=world") unless it is one of these, then it gets a "_" ("_year"), which no
# kind starts with (kinds are ids: a lower-case letter or digit first).  "lang" is the languages' facet's.
RESERVED_PARAMS = frozenset({"q", "n", "exact", "sort", "from", "to", "year", "type", "entity", "lang"})


@dataclass(frozen=True)
class Params:
    """Layout knobs.  The defaults are the shipped layout; tests shrink them to exercise every part.

    ``shard_min``, ``shard_max``, ``shard_mod``: term shards hold ``shard_min``
    to ``shard_max`` bytes of terms and postings, cut where a hash of the term
    is 0 modulo ``shard_mod`` (browser_index._partition).
    ``head``: postings a term keeps in its shard; the rest go to tail blocks of
    about ``block`` postings.  ``bundle``: documents per card bundle (d/);
    ``rest_bundle``: documents per body-rest bundle (c/); ``lead``: characters
    of the body kept with the card for snippets.
    """

    shard_min: int = 900
    shard_max: int = 1800
    shard_mod: int = 4
    head: int = 400
    block: int = 192
    bundle: int = 2
    rest_bundle: int = 16
    lead: int = 150


def path(key: str) -> str:
    """Site-root-relative path of the file registering ``key``: ``d/12`` is in ``search/d/<bucket of 12>/12.js``.

    Every folder's files are spread over hash buckets (generator.util.folders),
    so no folder of the index grows with the archive; the engine computes the
    same path from the key (``filePath`` in search-engine.js): no extra request.
    """
    folder, sep, name = key.partition("/")
    return f"{ROOT}{spread(folder, name, '.js') if sep else key + '.js'}"


def key_of(file_path: str) -> str:
    """The key a file registers, from its site path: ``path`` undone ("search/d/0f/12.js" -> "d/12")."""
    parts = file_path[len(ROOT) : -len(".js")].split("/")
    return "/".join((parts[0], parts[-1])) if len(parts) > 1 else parts[0]


def article_url(doc_id: str) -> str:
    """The usual address of an article's page (model/urls.article; the engine rebuilds it from the id)."""
    return spread("articles", doc_id, ".html")


def shard_key(sep: str | None) -> str:
    """Term shard file key: the first shard is t/_, the others are named by their separator."""
    return "t/_" if sep is None else f"t/{file_name(sep)}"


def block_key(term: str, first_doc: int) -> str:
    """Tail block file key: the term and the block's first document (both stable under edits elsewhere)."""
    return f"u/{file_name(term)}.{b36(first_doc)}"


def bundle_key(doc: int, per: int) -> str:
    return f"d/{b36(doc // per)}"


def rest_key(doc: int, per: int) -> str:
    return f"c/{b36(doc // per)}"


def lexicon_key(spell_key: str, files: int) -> str:
    """Lexicon file holding the words with this spelling key (analysis.spell_keys): a hash, ``files`` of them."""
    return f"w/{b36(fnv1a(spell_key) % files)}"


def lexicon_files(words: int) -> int:
    """How many lexicon files: a power of two near words / 32 (each word is in 3: ~70-140 entries, ~1-2 KB each)."""
    n = 1
    while n * 2 * 32 <= words:
        n *= 2
    return n


def df_digit(df: int) -> int:
    """A word's document count as one digit, log2 (changes at powers of two only)."""
    return min(9, df.bit_length() - 1)


def render_lexicon(key: str, entries: Iterable[tuple[str, int]]) -> bytes:
    """Words and their df digit, "arsenal5 arsenals2", sorted: a word is letters only, so the digit ends it."""
    return script(key, " ".join(f"{w}{df_digit(df)}" for w, df in sorted(entries)))


def facet_key(name: str) -> str:
    """A facet's value list: an entity type's "f/person"; a taxonomy, named "\\0" + kind, "f/_tag"; the
    languages, named "\\1" + kind, "f/__lang".

    Entity types and kinds are ids, which start with a letter or digit, so
    "_" + file_name(kind) is never an entity type's file, nor "__" + ... a
    taxonomy's (file_name keeps [a-z0-9] and writes every other character as _hhhh).
    """
    if name.startswith("\1"):
        return f"f/__{file_name(name[1:])}"
    return f"f/_{file_name(name[1:])}" if name.startswith("\0") else f"f/{file_name(name)}"


def facet_param(name: str) -> str:
    """The search page's URL parameter of a facet: "entity" for entity types (value "type:id"), else its kind
    ("_" + kind for a taxonomy whose kind is one of the page's own parameters; the languages' kind is one)."""
    if name.startswith("\1"):
        return name[1:]
    if not name.startswith("\0"):
        return "entity"
    kind = name[1:]
    return f"_{kind}" if kind in RESERVED_PARAMS else kind


def split_lead(body: str, lead: int) -> tuple[str, str]:
    """Cut a long body into (lead, rest), lead + rest == body; (body, "") when short.

    The cut falls at the last paragraph break, else sentence end, else space in
    the second half of the lead, so snippets do not end mid-word.  Bodies up to
    a quarter longer than the lead stay whole: a tiny rest saves nothing.
    """
    if len(body) <= lead + lead // 4:
        return body, ""
    for sep in ("\n\n", ". ", " "):
        cut = body.rfind(sep, lead // 2, lead)
        if cut >= 0:
            cut += len(sep)
            return body[:cut], body[cut:]
    return body[:lead], body[lead:]


def _trim(row: list) -> list:
    while row and row[-1] in ("", 0, []):
        row.pop()
    return row


CARD_ENTITIES = 3  # entity names a result shows (the most mentioned first, as SearchDoc lists them)


def card(doc: SearchDoc, lead: str, has_rest: bool) -> list:
    """One document in its bundle: [id, title, date, lead, entities, source, has_rest, summary, url, copies].

    entities are [name, type] of the first CARD_ENTITIES; trailing empty fields
    are dropped; url is "" when it is the usual article address (the engine
    rebuilds it); copies is how many identical articles the result stands for
    (duplicates.collapse), 0 for one.  Every byte here is paid for each result shown.
    """
    url = "" if doc.url == article_url(doc.id) else doc.url
    return _trim([
        doc.id, doc.title, doc.date or "", lead, [[name, typ] for _eid, name, typ in doc.entities[:CARD_ENTITIES]],
        doc.source or "", 1 if has_rest else 0, doc.summary, url, doc.copies if doc.copies > 1 else 0,
    ])


def render_bundle(key: str, cards: Sequence[list]) -> bytes:
    return script(key, list(cards))


def render_rests(key: str, rests: Sequence[str]) -> bytes:
    return script(key, _trim(list(rests)))


def render_shard(key: str, terms: Sequence[str], heads: Sequence[str], rows: Sequence[list | None]) -> bytes:
    """[terms, heads, tier rows]: a tier row is [index in shard, df, block directory]."""
    data: list = [list(terms), list(heads)]
    tiers = [[i, *row] for i, row in enumerate(rows) if row is not None]
    if tiers:
        data.append(tiers)
    return script(key, data)


def render_facet(key: str, values: Iterable[list]) -> bytes:
    return script(key, list(values))


def render_meta(meta: dict) -> bytes:
    return script("meta", {"v": FORMAT, **meta})
