"""Loading the archivist's YAML: site config, article metadata, entities, pages.

Each loader validates against a small schema and reports problems with file
and line (see ``yamlio``). Loaders return plain dataclasses; cross-checks that
need several files (unknown entity ids, metadata without a seed) happen in
``model``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.inputs.markup import render_markdown
from generator.util.diagnostics import Diagnostics
from generator.util.text import key_of, slugify
from generator.util.textio import entries, folder_key, read_text
from generator.util.yamlio import Field, check_mapping, check_value, line_of, load_yaml_file, parse_yaml

DEFAULT_TYPES = {
    "person": "People",
    "organisation": "Organisations",
    "place": "Places",
    "event": "Events",
    "topic": "Topics",
}

# The taxonomies every archive has unless site.yaml turns them off: (kind, article field, label, index folder).
# A kind names the folder of its value pages (tag/<key>.html); the index folder holds its A–Z (tags/index.html).
DEFAULT_TAXONOMIES = (
    ("tag", "tags", "Tags", "tags"),
    ("source", "source", "Sources", "sources"),
    ("author", "authors", "Authors", "authors"),
)
# Article fields that are not taxonomies, and folders that hold other pages: neither can be a taxonomy's.
_RESERVED_FOLDERS = frozenset({"articles", "entity", "entities", "archive", "search", "pages", "assets", "index"})

SITE_SCHEMA = {
    "title": Field("str", required=True),
    "description": Field("str"),
    "language": Field("str"),
    "base_url": Field("url"),
    "author": Field("str"),
    "copyright": Field("str"),
    "per_page": Field("int"),
    "latest": Field("int"),
    "top_entities": Field("int"),
    "feed_items": Field("int"),
    "entity_types": Field("types"),
    "sources": Field("sources"),
    "taxonomies": Field("taxonomies"),
}

TAXONOMY_SCHEMA = {
    "field": Field("id"),
    "label": Field("str"),
    "index": Field("id"),
    "names": Field("names"),
}

SOURCE_SCHEMA = {
    "name": Field("str", required=True),
    "url": Field("url"),
}

ARTICLE_SCHEMA = {
    "title": Field("str"),
    "date": Field("date"),
    "source": Field("str"),
    "source_url": Field("url"),
    "authors": Field("list[str]"),
    "tags": Field("list[str]"),
    "summary": Field("str"),
    "entities": Field("list[id]"),
    "duplicate_of": Field("id"),
    "language": Field("str"),
}

ENTITY_SCHEMA = {
    "type": Field("id", required=True),
    "name": Field("str", required=True),
    "aliases": Field("list[str]"),
    "description": Field("str"),
    "wikidata": Field("str"),
    "links": Field("links"),
}

PAGE_SCHEMA = {
    "title": Field("str", required=True),
    "order": Field("int"),
    "slug": Field("id"),
}

_WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class SourceDef:
    """A publication named in ``site.yaml`` under ``sources:``: how to show an article's ``source``."""

    key: str  # key_of() of the code articles use ("bbc-news", "Republic World")
    name: str
    url: str | None
    path: Path
    line: int | None


@dataclass(frozen=True)
class TaxonomyDef:
    """One way of grouping articles by a metadata field: tags, sources, authors, or one the archivist declares.

    Each gives a page per value (``<kind>/<key>.html``, paginated, with an
    Atom feed), an A–Z of its values (``<index>/index.html``) and a sidebar
    entry.  ``names`` overrides how a value is shown (and gives it a website),
    by :func:`~generator.util.text.key_of` of the value.
    """

    kind: str  # singular, and the folder of the value pages: "tag"
    field: str  # the article metadata field holding the values: "tags"
    label: str  # plural, for headings and the sidebar: "Tags"
    index: str  # the folder of the A–Z page: "tags"
    names: tuple[tuple[str, str, str | None], ...] = ()  # (key, display name, url), sorted by key

    @property
    def index_path(self) -> str:
        return f"{self.index}/index.html"

    def name_of(self, key: str) -> tuple[str, str | None] | None:
        for k, name, url in self.names:
            if k == key:
                return name, url
        return None


@dataclass(frozen=True)
class SiteConfig:
    """``content/site.yaml``."""

    title: str = "News archive"
    description: str = ""
    language: str = "en"
    base_url: str | None = None
    author: str = ""
    copyright: str = ""
    per_page: int = 50
    latest: int = 10
    top_entities: int = 12
    feed_items: int = 50
    entity_types: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TYPES))
    sources: dict[str, SourceDef] = field(default_factory=dict)  # by key_of(code)
    taxonomies: tuple[TaxonomyDef, ...] = tuple(TaxonomyDef(*t) for t in DEFAULT_TAXONOMIES)

    def taxonomy(self, kind: str) -> TaxonomyDef | None:
        for t in self.taxonomies:
            if t.kind == kind:
                return t
        return None


@dataclass(frozen=True)
class ArticleMeta:
    """``content/articles/<seed>.yaml``: everything optional."""

    path: Path
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    source_url: str | None = None
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    entities: tuple[str, ...] = ()
    entity_lines: tuple[int | None, ...] = ()
    duplicate_of: str | None = None  # id of the article this one copies: its page points there, search skips it
    duplicate_line: int | None = None
    language: str | None = None  # BCP 47 tag when the article is not in the site's language (lang/dir, search analysis)
    # Fields the schema does not know, each (key, values, line): the values of taxonomies site.yaml declares
    # (desk, region, ...).  Which keys are declared is checked with the site's config, in the model.
    extra: tuple[tuple[str, tuple[str, ...], int | None], ...] = ()


@dataclass(frozen=True)
class EntityDef:
    """One registry entry."""

    id: str
    type: str
    name: str
    aliases: tuple[str, ...]
    description_html: str
    wikidata: str | None
    links: tuple[tuple[str, str], ...]
    path: Path
    line: int | None


@dataclass(frozen=True)
class FreePage:
    """``content/pages/*.md``."""

    slug: str
    title: str
    order: int
    html: str
    toc: tuple[tuple[int, str, str], ...]  # (level, anchor, text)
    path: Path


def load_site(content: Path, diag: Diagnostics) -> SiteConfig:
    path = content / "site.yaml"
    if not path.exists():
        diag.warn(path, None, "no site.yaml; using a default title")
        return SiteConfig()
    before = diag.error_count
    data = load_yaml_file(path, diag)
    if data is None:
        if diag.error_count == before:
            diag.error(path, None, "site.yaml is empty; it needs at least 'title: ...'")
        return SiteConfig()
    schema = dict(SITE_SCHEMA)
    types_raw = data.pop("entity_types", None) if isinstance(data, dict) else None
    sources_raw = data.pop("sources", None) if isinstance(data, dict) else None
    taxonomies_raw = data.pop("taxonomies", None) if isinstance(data, dict) else None
    # entity_types, sources and taxonomies stay in the schema (a typo of them gets a did-you-mean) but are checked below.
    clean = check_mapping(data, schema, path, diag, "site.yaml")
    if clean is None:
        return SiteConfig()
    types = dict(DEFAULT_TYPES)
    if types_raw is not None:
        if not isinstance(types_raw, dict):
            diag.error(path, getattr(types_raw, "line", None), "'entity_types' must map type ids to plural labels, e.g. person: People")
        else:
            for key, label in types_raw.items():
                if not isinstance(key, str) or not re.match(r"^[a-z][a-z0-9_-]*$", key) or not isinstance(label, str):
                    diag.error(path, line_of(types_raw, key), f"entity type '{key}' must be a lower-case id mapped to a label")
                    continue
                if key == "index":  # entities/index.html is the A–Z of all entities
                    diag.error(path, line_of(types_raw, key), "'index' is reserved and cannot be an entity type")
                    continue
                types[key] = label.strip()
    if "base_url" in clean:
        clean["base_url"] = clean["base_url"].rstrip("/") + "/"
    sources = _sources(sources_raw, data, path, diag)
    taxonomies = _taxonomies(taxonomies_raw, sources, data, path, diag)
    return SiteConfig(**clean, entity_types=types, sources=sources, taxonomies=taxonomies)


def _index_folder(kind: str, fld: str) -> str:
    """Where a declared taxonomy's A–Z goes by default: its field when plural (``regions``), else a plural."""
    if fld != kind:
        return fld
    return f"{kind}-index" if kind.endswith("s") else f"{kind}s"


def _taxonomies(raw: object, sources: dict[str, SourceDef], data: dict, path: Path,
                diag: Diagnostics) -> tuple[TaxonomyDef, ...]:
    """The defaults (tags, sources, authors), changed, turned off (``author: off``) or added to by site.yaml.

    ``taxonomies: {desk: {field: desk, label: Desks}}`` adds a page family
    with no code: the field's values in the article metadata are grouped
    like tags.  A short form names the field only (``region: region``).
    """
    table: dict[str, TaxonomyDef | None] = {kind: TaxonomyDef(kind, fld, label, index)
                                            for kind, fld, label, index in DEFAULT_TAXONOMIES}
    if raw is not None and not isinstance(raw, dict):
        diag.error(path, getattr(raw, "line", None) or line_of(data, "taxonomies"),
                   "'taxonomies' must map a kind (singular, e.g. desk) to {field, label, index, names} or to off")
        raw = {}
    for kind, body in (raw or {}).items():
        line = line_of(raw, kind)
        if not isinstance(kind, str) or not re.match(r"^[a-z][a-z0-9_-]*$", kind) or kind in _RESERVED_FOLDERS:
            diag.error(path, line, f"taxonomy '{kind}' must be a lower-case id, not one of {', '.join(sorted(_RESERVED_FOLDERS))}")
            continue
        if body is False or body in ("off", "no"):
            table[kind] = None
            continue
        if isinstance(body, str):
            body = {"field": body}
        names_raw = body.pop("names", None) if isinstance(body, dict) else None
        clean = check_mapping(body if body is not None else {}, TAXONOMY_SCHEMA, path, diag, f"taxonomy '{kind}'")
        if clean is None:
            continue
        clean["names"] = {k: (s.name, s.url) for k, s in _sources(names_raw, body, path, diag, "names").items()}
        old = table.get(kind)
        fld = clean.get("field") or (old.field if old else kind)
        index = clean.get("index") or (old.index if old else _index_folder(kind, fld))
        label = clean.get("label") or (old.label if old else index.replace("-", " ").replace("_", " ").capitalize())
        if fld in ARTICLE_SCHEMA and fld not in ("tags", "authors", "source"):
            diag.error(path, line, f"taxonomy '{kind}': '{fld}' is not a field articles can be grouped by; "
                       "use tags, authors, source or a field of your own")
            continue
        names = tuple(sorted((k, n, u) for k, (n, u) in clean.get("names", {}).items()))
        table[kind] = TaxonomyDef(kind, fld, label, index, names)
    out = [t for t in table.values() if t is not None]
    source = next((t for t in out if t.field == "source"), None)
    if source is not None and sources and not source.names:  # the older, documented place of sources' names
        out[out.index(source)] = TaxonomyDef(source.kind, source.field, source.label, source.index,
                                             tuple(sorted((k, s.name, s.url) for k, s in sources.items())))
    seen: dict[str, str] = {}
    for t in out:
        for folder in (t.kind, t.index):
            if folder in _RESERVED_FOLDERS or seen.get(folder, t.kind) != t.kind:
                diag.error(path, line_of(data, "taxonomies"), f"taxonomy '{t.kind}': the folder '{folder}/' is taken "
                           f"({'by other pages' if folder in _RESERVED_FOLDERS else 'by taxonomy ' + repr(seen[folder])}); set its 'index'")
            seen[folder] = t.kind
        if t.kind == t.index:
            diag.error(path, line_of(data, "taxonomies"), f"taxonomy '{t.kind}': its index folder must differ from "
                       f"'{t.kind}/' (a value could be called 'index'); set 'index', e.g. {t.kind}-index")
    return tuple(out)


def _sources(raw: object, data: dict, path: Path, diag: Diagnostics, what: str = "sources") -> dict[str, SourceDef]:
    """``sources: {bbc-news: {name: BBC News, url: https://…}}`` (or ``bbc-news: BBC News``); a taxonomy's
    ``names:`` have the same form."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        diag.error(path, getattr(raw, "line", None) or line_of(data, what),
                   f"'{what}' must map the values articles use to {{name, url}}, e.g. bbc-news: {{name: BBC News}}")
        return {}
    out: dict[str, SourceDef] = {}
    for code, body in raw.items():
        line = line_of(raw, code)
        if isinstance(body, str):
            body = {"name": body}
        clean = check_mapping(body, SOURCE_SCHEMA, path, diag, f"source '{code}'" if what == "sources" else f"name '{code}'")
        if clean is None:
            continue
        key = key_of(str(code))
        if key in out:
            diag.error(path, line, f"{'source' if what == 'sources' else 'name'} '{code}' is listed twice (as '{out[key].name}' too)")
            continue
        out[key] = SourceDef(key, clean["name"], clean.get("url"), path, line)
    return out


def load_article_meta(path: Path, diag: Diagnostics) -> ArticleMeta | None:
    before = diag.error_count
    data = load_yaml_file(path, diag)
    if data is None:
        return ArticleMeta(path) if diag.error_count == before else None
    extra: list[tuple[str, tuple[str, ...], int | None]] = []
    if isinstance(data, dict):
        for key in [k for k in data if k not in ARTICLE_SCHEMA and isinstance(k, str)]:
            line = line_of(data, key)
            value = data.pop(key)
            if value is None:
                continue
            ok, clean_value = check_value(value, "list[str]", path, line, key, diag)
            if not ok:
                return None
            extra.append((key, tuple(clean_value), line))
    clean = check_mapping(data, ARTICLE_SCHEMA, path, diag, "article metadata")
    if clean is None:
        return None
    ents = data.get("entities") or []
    lines = tuple(line_of(ents, i) for i in range(len(clean.get("entities", ()))))
    return ArticleMeta(
        path=path,
        title=clean.get("title") or None,
        date=clean.get("date"),
        source=clean.get("source") or None,
        source_url=clean.get("source_url"),
        authors=tuple(clean.get("authors", ())),
        tags=tuple(clean.get("tags", ())),
        summary=clean.get("summary", ""),
        entities=tuple(clean.get("entities", ())),
        entity_lines=lines,
        duplicate_of=clean.get("duplicate_of"),
        duplicate_line=line_of(data, "duplicate_of") if "duplicate_of" in clean else None,
        language=_language(clean.get("language"), path, line_of(data, "language"), diag),
        extra=tuple(sorted(extra)),
    )


_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def _language(tag: str | None, path: Path, line: int | None, diag: Diagnostics) -> str | None:
    """A BCP 47 language tag ("fr", "pt-BR", "zh-Hant"), or an error: it becomes an HTML lang attribute."""
    if not tag:
        return None
    if not _LANGUAGE_TAG.match(tag.strip()):
        diag.error(path, line, f"'language': '{tag}' is not a language tag such as 'fr', 'ar' or 'pt-BR'")
        return None
    return tag.strip()


def _entity(eid: object, data: object, path: Path, line: int | None, site: SiteConfig, diag: Diagnostics) -> EntityDef | None:
    if not isinstance(eid, str) or not re.match(r"^[a-z0-9][a-z0-9_-]*$", eid):
        diag.error(path, line, f"entity id '{eid}' must be lower-case letters, digits, '-' and '_'")
        return None
    if not isinstance(data, dict):  # e.g. "kabul: Kabul": report the entry's line, not line 1
        diag.error(path, line, f"entity '{eid}' must be a mapping of keys to values (type:, name:, ...)")
        return None
    clean = check_mapping(data, ENTITY_SCHEMA, path, diag, f"entity '{eid}'")
    if clean is None:
        return None
    if clean["type"] not in site.entity_types:
        known = ", ".join(sorted(site.entity_types))
        diag.error(path, line_of(data, "type"), f"entity '{eid}' has unknown type '{clean['type']}'; known types: {known} (add more under entity_types in site.yaml)")
        return None
    wikidata = clean.get("wikidata")
    if wikidata and not _WIKIDATA.match(wikidata):
        diag.error(path, line_of(data, "wikidata"), f"entity '{eid}': wikidata must look like Q12345, got '{wikidata}'")
        return None
    html, _ = render_markdown(clean.get("description", ""))
    return EntityDef(
        id=eid,
        type=clean["type"],
        name=clean["name"],
        aliases=tuple(dict.fromkeys(a for a in clean.get("aliases", ()) if a != clean["name"])),
        description_html=html,
        wikidata=wikidata,
        links=tuple(clean.get("links", ())),
        path=path,
        line=line,
    )


def load_entities(content: Path, site: SiteConfig, diag: Diagnostics) -> list[EntityDef]:
    """The registry: ``entities.yaml`` (id → entity) and/or ``entities/<id>.yaml``."""
    found: dict[str, EntityDef] = {}

    def add(ent: EntityDef | None) -> None:
        if ent is None:
            return
        if ent.id in found:
            first = found[ent.id]
            diag.error(ent.path, ent.line, f"entity '{ent.id}' is defined twice (also in {first.path.name}:{first.line})")
            return
        found[ent.id] = ent

    single = content / "entities.yaml"
    if single.exists():
        data = load_yaml_file(single, diag)
        if data is not None and not isinstance(data, dict):
            diag.error(single, getattr(data, "line", 1), "entities.yaml must map entity ids to entities")
        elif data:
            for eid, body in data.items():
                add(_entity(eid, body, single, line_of(data, eid), site, diag))
    for path in listed(content / "entities", (".yaml", ".yml"), "entity files", diag):
        data = load_yaml_file(path, diag)
        if data is not None:
            add(_entity(path.stem, data, path, 1, site, diag))
    return [found[k] for k in sorted(found)]


def list_metas(content: Path, diag: Diagnostics, keys: dict[str, bytes | None] | None = None) -> dict[str, str]:
    """Article id -> its metadata file in ``content/articles/`` (a plain string, as ``seeds.list_seeds`` gives)."""
    found: dict[str, str] = {}
    for stem, path in listed_names(content / "articles", (".yaml", ".yml"), "article metadata", diag, keys):
        key = slugify(stem)
        if key in found:
            diag.error(path, None, f"two metadata files for the article '{key}'")
            continue
        found[key] = path
    return found


def load_metas(content: Path, diag: Diagnostics) -> dict[str, ArticleMeta]:
    """Read every article's metadata (the build reads them through its cache instead)."""
    metas = {}
    for key, path in list_metas(content, diag).items():
        meta = load_article_meta(Path(path), diag)
        if meta is not None:
            metas[key] = meta
    return metas


def listed_names(folder: Path, suffixes: tuple[str, ...], what: str, diag: Diagnostics,
                 keys: dict[str, bytes | None] | None = None) -> list[tuple[str, str]]:
    """``(stem, path)`` of the files of ``folder`` with one of ``suffixes``; anything else is reported, never
    skipped silently.  Plain strings: a ``Path`` per file costs more than listing 20,000 metadata files.
    With ``keys``, what the folder held when listed (:func:`textio.folder_key`) is recorded there."""
    if not folder.is_dir():
        return []
    found = []
    base = str(folder)
    found_entries = entries(folder)
    if keys is not None:
        keys[base] = folder_key(found_entries)
    for entry in found_entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(base, entry.name)
        stem, suffix = os.path.splitext(entry.name)
        if entry.is_file() and suffix.lower() in suffixes:
            found.append((stem, path))
        else:
            diag.warn(path, None, f"ignored: {what} must be {' or '.join(suffixes)} files")
    return found


def listed(folder: Path, suffixes: tuple[str, ...], what: str, diag: Diagnostics) -> list[Path]:
    """As :func:`listed_names`, as paths (for the few entity and page files)."""
    return [Path(path) for _stem, path in listed_names(folder, suffixes, what, diag)]


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)


def load_pages(content: Path, diag: Diagnostics) -> list[FreePage]:
    pages: list[FreePage] = []
    owners: dict[str, Path] = {}
    for path in listed(content / "pages", (".md", ".markdown"), "pages", diag):
        text = read_text(path, diag)
        if text is None:
            continue
        m = _FRONT.match(text)
        if not m:
            diag.error(path, 1, "a page must start with YAML front matter between '---' lines (with at least 'title:')")
            continue
        meta = parse_yaml(m.group(1), path, diag, line_offset=1)
        if meta is None:
            continue
        clean = check_mapping(meta, PAGE_SCHEMA, path, diag, "page front matter")
        if clean is None:
            continue
        html, toc = render_markdown(text[m.end():])
        slug = clean.get("slug") or slugify(path.stem)
        if not slug:
            diag.error(path, None, "the file name gives an empty address; rename it or set 'slug'")
            continue
        if slug in owners:
            diag.error(path, line_of(meta, "slug") if "slug" in clean else 1,
                       f"two pages give the address pages/{slug}.html: {owners[slug].name} and {path.name}; rename one or set 'slug'")
            continue
        owners[slug] = path
        pages.append(FreePage(slug, clean["title"], clean.get("order", 100), html, tuple(toc), path))
    pages.sort(key=lambda p: (p.order, p.slug))
    return pages
