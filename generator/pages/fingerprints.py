"""What each output page is made from, as a digest: unchanged pages are not rendered again.

The page families say which of these they use (``Family.fingerprint``, in
:mod:`generator.pages.families`); the plan (:mod:`generator.incremental.plan`)
compares the digests with the last build's.

An incremental build renders a page only when its fingerprint differs from
the one the last build recorded (and writes it only when its bytes differ).
A fingerprint must therefore cover everything the page's HTML depends on,
and as little else as possible:

* ``base`` — the site configuration, the navigation shared by every page and
  the templates: when it changes, every page is rendered again;
* for most families, the page's :class:`~generator.pages.render.PageSpec` itself,
  encoded by :func:`encode`: model objects in it stand for what a page can
  show of them (an article in a list is its *card*: title, date, source,
  summary, lead; an entity is its registry entry and its counts);
* for article pages, which are most of the site and whose spec is costly to
  build (the body is rendered into it), an explicit list in
  :func:`article_deps`.

Correctness is checked by ``tests/incremental/test_incremental_property.py``: after random
edit sequences the incremental site is byte-identical to a clean build; ``make mutants``
checks that it notices a dependency left out here (``tests/mutants/mutants.toml``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import pickle
from typing import Any

from generator.inputs.content import EntityDef, FreePage, SiteConfig
from generator.model.archive import Archive, Article, Entity, Snippet, neighbours
from generator.model.taxonomies import Collection
from generator.pages.render import PageSpec

Digest = bytes


def _h() -> Any:
    return hashlib.blake2b(digest_size=16)


def defn_digest(d: EntityDef) -> Digest:
    """An entity's registry entry, minus where it was written (moving it in the file changes no page)."""
    return _h_of((d.id, d.type, d.name, d.aliases, d.description_html, d.wikidata, d.links))


def _h_of(value: object) -> Digest:
    """A digest of plain data (what :class:`Encoder` makes: strings, numbers, bytes, dates, tuples, lists).

    Pickled, not ``repr``-ed: 8x faster on a page's list of article cards
    (``repr`` escapes every byte), which the dev server pays for every page
    of every rebuild.  The pickler's memo is off, so the bytes depend only on
    the values, never on which of them happen to be one shared object.
    """
    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, protocol=5)
    pickler.fast = True  # no memo: equal values, equal bytes
    pickler.dump(value)
    return hashlib.blake2b(buf.getbuffer(), digest_size=16).digest()


_PLAIN = frozenset({str, int, float, bool, bytes, dt.date, type(None)})  # exact types; subclasses (Markup) take the long way


class Encoder:
    """Feeds a page's data into a hash, model objects by what pages can show of them.

    Unknown types raise TypeError rather than being hashed by ``repr`` (which
    for many objects would include an address and never match again, or
    omit fields and match wrongly).
    """

    def __init__(self, archive: Archive) -> None:
        self._defs: dict[str, Digest] = {eid: defn_digest(e.defn) for eid, e in archive.entities.items()}

    def entity(self, e: Entity) -> tuple:
        return (self._defs[e.id], len(e.articles), e.mentions)

    def encode(self, value: Any, out: list[Any]) -> None:
        kind = type(value)
        if kind in _PLAIN:
            out.append(value)
        elif kind is Snippet:
            out.append(tuple(value))  # three strings (a plain tuple: its repr is C code, a NamedTuple's is not)
        elif kind is Article:
            out.append(("A", value.card))
        elif kind is list or kind is tuple:
            # Lists of articles and plain values are most of what pages hold: handled here, without a call each.
            out.append("[")
            for v in value:
                k = type(v)
                if k in _PLAIN:
                    out.append(v)
                elif k is Article:
                    out.append(("A", v.card))
                else:
                    self.encode(v, out)
            out.append("]")
        elif kind is dict:
            out.append("{")
            for k, v in value.items():
                out.append(k)
                if type(v) in _PLAIN:
                    out.append(v)
                else:
                    self.encode(v, out)
            out.append("}")
        elif value is None or isinstance(value, (str, int, float, bool, bytes, dt.date)):
            out.append(value)  # Markup is a str
        elif isinstance(value, Article):
            out.append(("A", value.card))
        elif isinstance(value, Entity):
            out.append(("E", *self.entity(value)))
        elif isinstance(value, (list, tuple)):
            out.append("[")
            for v in value:
                self.encode(v, out)
            out.append("]")
        elif isinstance(value, dict):
            out.append("{")
            for k, v in value.items():
                out.append(k)
                self.encode(v, out)
            out.append("}")
        elif isinstance(value, Collection):
            # A tag or source page shows its name, link and size; its articles appear as the page's items.
            out.append(("C", value.key, value.name, len(value.articles), value.dated, value.starts, value.url))
        elif isinstance(value, EntityDef):
            out.append(("D", self._defs.get(value.id) or defn_digest(value)))
        elif isinstance(value, FreePage):
            out.append(("P", value.slug, value.title, value.order, value.html, value.toc))
        elif isinstance(value, (PageSpec, SiteConfig)) or (dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen):
            out.append(type(value).__name__)
            for f in dataclasses.fields(value):
                self.encode(getattr(value, f.name), out)
        else:
            raise TypeError(f"cannot fingerprint a {type(value).__name__} in a page's data; teach generator.pages.fingerprints about it")

    def spec(self, spec: PageSpec) -> Digest:
        out: list[Any] = []
        self.encode(spec, out)
        return _h_of(out)


def base_digest(site: SiteConfig, nav: Any, templates: Digest) -> Digest:
    """What every page shares: configuration, navigation, templates."""
    return _h_of((repr(site), repr(nav), templates))


def article_deps(archive: Archive, i: int, enc: Encoder) -> Digest:
    """An article page: the article, its neighbours' and related articles' cards, the entities it names,
    and for a copy (``duplicate_of``) the card of its original, whose title and date its page shows.

    Fed to the hash as bytes, not through ``repr``: it runs for every article of every build.
    """
    arts = archive.articles
    art = arts[i]
    h = hashlib.blake2b(art.digest, digest_size=16)
    for other in neighbours(archive, art):
        h.update(other.card if other is not None else b"-" * 16)
    h.update(b"r%d" % len(art.related))
    for j in art.related:
        h.update(arts[j].card)
    h.update(b"o")
    h.update(arts[art.original].card if art.original is not None else b"-" * 16)
    defs = enc._defs
    for eid, n in art.mention_counts.items():
        h.update(defs[eid])
        h.update(b"%d," % n)
    return h.digest()
