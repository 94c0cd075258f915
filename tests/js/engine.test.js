// The search engine the site ships, on the committed fixture index.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {S, makeEngine, ids} = require('./helpers.js');

test('decoding matches the Python encoders', () => {
  // generator.search.indexer: encode_postings([0, 40, 1040], [5, 63, 1]) and encode_runs([0,1,2,3,10,12,13])
  const p = S.decodePostings('15x8__81');
  assert.deepEqual(Array.from(p.docs), [0, 40, 1040]);
  assert.deepEqual(Array.from(p.imp), [5, 63, 1]);
  assert.deepEqual(Array.from(S.decodeRuns('33e51')), [0, 1, 2, 3, 10, 12, 13]);
});

test('facet documents: each of the three codes of encoding.encode_docs decodes as Python wrote it', () => {
  // tests/search/test_search_indexer.py: the same literals from encode_docs
  assert.deepEqual(Array.from(S.decodeDocs('1Y2M')), [0, 1, 2, 3, 10, 12, 13]);  // a bitmap
  const all = S.decodeDocs('03Ry9');  // runs
  assert.equal(all.length, 21578);
  assert.equal(all[21577], 21577);
  assert.deepEqual(Array.from(S.decodeDocs('9wbZ3M04Y')), [0, 64, 200, 201, 1000]);  // Rice, k = 7
  assert.deepEqual(Array.from(S.decodeDocs('0')), []);
  // padding bits after the last code are never a document: bitmaps and Rice codes of every length
  for (let n = 1; n < 40; n++) {
    const docs = [...Array(n).keys()].map((i) => i * 3 + (i % 2));
    let bits = '';
    for (let d = 0; d <= docs[n - 1]; d++) bits += docs.includes(d) ? '1' : '0';
    bits += '0'.repeat((6 - (bits.length % 6)) % 6);
    const A = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
    let text = '1';
    for (let i = 0; i < bits.length; i += 6) text += A[parseInt(bits.slice(i, i + 6), 2)];
    assert.deepEqual(Array.from(S.decodeDocs(text)), docs);
    let rice = '';  // k = 1: gap >> 1 zeros, a one, the gap's low bit
    let prev = -1;
    for (const d of docs) { const g = d - prev - 1; rice += '0'.repeat(g >> 1) + '1' + (g & 1); prev = d; }
    rice += '0'.repeat((6 - (rice.length % 6)) % 6);
    text = A[3];
    for (let i = 0; i < rice.length; i += 6) text += A[parseInt(rice.slice(i, i + 6), 2)];
    assert.deepEqual(Array.from(S.decodeDocs(text)), docs);
  }
});

test('a facet value without a name in its file is named by its key (encoding.default_name)', async () => {
  assert.equal(S.defaultName('saudi-arabia'), 'Saudi Arabia');
  assert.equal(S.defaultName('a--b'), 'A  B');
  const list = await makeEngine().loadFacet('f/place');
  assert.deepEqual(list.map((v) => [v.key, v.name]), [['kabul', 'Kabul'], ['panjshir', 'Panjshir'], ['zurich', 'Zürich']]);
  const orgs = await makeEngine().loadFacet('f/org');
  assert.equal(orgs.find((v) => v.key === 'opec').name, 'OPEC');
});

test('ranking: the title match comes first', async () => {
  const r = await ids(makeEngine(), 'panjshir');
  assert.equal(r[0], 'panjshir-battle');
  assert.deepEqual(new Set(r), new Set(['panjshir-battle', 'saleh-profile']));
});

test('OR semantics: more matching words rank higher', async () => {
  const r = await ids(makeEngine(), 'oil prices opec zebra');
  assert.deepEqual(r, ['oil-prices']);
  const r2 = await ids(makeEngine(), 'taliban valley massoud');
  assert.equal(r2[0], 'panjshir-battle');
  assert.ok(r2.includes('fighting-report') && r2.includes('undated-note'));
});

test('stemming: fighters finds fighter and fighting', async () => {
  const r = await ids(makeEngine(), 'fighters');
  assert.deepEqual(new Set(r), new Set(['panjshir-battle', 'fighting-report']));
});

test('case and accent folding', async () => {
  assert.deepEqual(await ids(makeEngine(), 'ZURICH cafe'), ['cafe-zurich']);
  assert.deepEqual(await ids(makeEngine(), 'NAÏVE'), ['cafe-zurich']);
  assert.deepEqual(new Set(await ids(makeEngine(), 'Résumé')), new Set(['cafe-zurich', 'kabul-2019']));
});

test('stop words alone find nothing', async () => {
  assert.deepEqual(await ids(makeEngine(), 'the of and'), []);
});

test('quoted phrases match the exact phrase only', async () => {
  const e = makeEngine();
  assert.deepEqual(await ids(e, '"northern alliance"'), ['panjshir-battle']);
  // kabul-2019 has both words, in the other order
  const loose = await ids(e, 'northern alliance');
  assert.ok(loose.includes('kabul-2019'));
  assert.deepEqual(await ids(e, '"alliance northern"'), ['kabul-2019']);
  assert.deepEqual(await ids(e, '"northern kabul"'), []);
});

test('prefix: the last word is completed only when asked', async () => {
  const e = makeEngine();
  const r = await e.search('massou', {prefix: true, limit: 5});
  assert.deepEqual(r.hits.map((h) => h.doc.id), ['panjshir-battle']);
  assert.deepEqual(r.corrections, []);  // a completion, not a correction
  assert.deepEqual(await ids(e, 'amrull', {prefix: true}).then((x) => new Set(x)), new Set(['panjshir-battle', 'saleh-profile']));
  // without completion (and after a trailing space) the unknown word is corrected instead
  const exact = await makeEngine().search('massou ', {prefix: true, limit: 5});
  assert.deepEqual(exact.corrections, [{word: 'massou', to: 'massoud', replaced: true}]);
  assert.deepEqual(await ids(makeEngine(), 'massou', {spell: false}), []);
});

test('-word excludes', async () => {
  const e = makeEngine();
  const all = await ids(e, 'valley');
  assert.ok(all.includes('panjshir-battle'));
  const r = await ids(e, 'valley -massoud');
  assert.ok(!r.includes('panjshir-battle'));
  assert.deepEqual(new Set(r), new Set(['saleh-profile', 'fighting-report', 'undated-note']));
  assert.deepEqual(await ids(e, 'taliban -"northern alliance"'), ['fighting-report']);
});

test('entity facet filters a query and browses an empty one', async () => {
  const e = makeEngine();
  const f = {entity: ['person:amrullah-saleh']};
  assert.deepEqual(await ids(e, 'valley', {facets: f}).then((r) => new Set(r)), new Set(['saleh-profile', 'panjshir-battle']));
  // empty query + facet: newest first
  assert.deepEqual(await ids(e, '', {facets: f}), ['panjshir-battle', 'saleh-profile']);
});

test('type, year and source facets', async () => {
  const e = makeEngine();
  assert.deepEqual(await ids(e, 'talks', {facets: {year: ['2019']}}), ['kabul-2019']);
  assert.deepEqual(await ids(e, '', {facets: {source: ['kabul-times']}}), ['fighting-report', 'kabul-2019']);
  assert.deepEqual(await ids(e, '', {facets: {type: ['person']}}), ['chelsea-win', 'profile-brown', 'panjshir-battle', 'saleh-profile']);
  assert.deepEqual(await ids(e, '', {facets: {year: ['undated']}}), ['undated-note']);
});

test('every taxonomy is a facet alike: tags, sources and a desk filter, and every ticked value must hold', async () => {
  const e = makeEngine();
  await e.init();
  assert.deepEqual(e.facetGroups().map((g) => [g.label, g.param, g.type]), [
    ['People', 'entity', 'person'], ['Organisations', 'entity', 'org'], ['Places', 'entity', 'place'],
    ['Tags', 'tag', ''], ['Sources', 'source', ''], ['Desks', 'desk', '']]);
  assert.deepEqual(await ids(e, '', {facets: {tag: ['afghanistan']}}), ['fighting-report', 'panjshir-battle', 'kabul-2019']);
  assert.deepEqual(await ids(e, '', {facets: {tag: ['afghanistan', 'conflict']}}), ['fighting-report']);
  assert.deepEqual(await ids(e, '', {facets: {desk: ['profiles']}}), ['profile-brown', 'saleh-profile']);
  assert.deepEqual(await ids(e, 'saleh', {facets: {desk: ['profiles']}}), ['saleh-profile']);
  assert.deepEqual(await ids(e, '', {facets: {desk: ['profiles'], source: ['republic-world']}}), ['saleh-profile']);
  assert.deepEqual(await ids(e, '', {facets: {desk: ['no-such-desk']}}), []);
});

test('live facet counts follow the results', async () => {
  const e = makeEngine();
  const res = await e.search('taliban', {withFacets: true, limit: 5});
  assert.equal(res.total, 2);
  const orgs = Object.fromEntries(res.facets.groups['f/org'].values.map((v) => [v[0], v[2]]));
  assert.deepEqual(orgs, {'org:taliban': 2, 'org:northern-alliance': 1});
  assert.deepEqual(res.facets.years, [['2021', 2]]);
  const any = Object.fromEntries(Object.entries(res.facets.groups).map(([f, g]) => [f, g.any]));
  assert.deepEqual(any, {'f/person': 1, 'f/org': 2, 'f/place': 1, 'f/_tag': 2, 'f/_source': 2, 'f/_desk': 0});
  assert.deepEqual(res.facets.groups['f/_tag'].values, [['afghanistan', 'Afghanistan', 2], ['conflict', 'Conflict', 1]]);
  const all = await e.search('', {withFacets: true, limit: 0});
  assert.equal(all.total, 0);
  assert.deepEqual(all.facets.years.map((y) => y[0]), ['2022', '2021', '2020', '2019', 'undated']);
  // a query that matches nothing shows no counts at all (not the whole archive's)
  const none = await e.search('zzqqxx', {withFacets: true, limit: 5});
  assert.equal(none.total, 0);
  assert.deepEqual(none.facets.years, []);
  assert.deepEqual(Object.values(none.facets.groups).map((g) => g.any), [0, 0, 0, 0, 0, 0]);
});

test('facet lists load only for the groups asked for or selected; a group opened later counts the same', async () => {
  const e = makeEngine();
  const res = await e.search('taliban', {withFacets: ['f/_tag'], limit: 5, facets: {source: ['republic-world']}});
  assert.deepEqual(e.loaded.filter((k) => k.startsWith('f/')).sort(), ['f/_source', 'f/_tag']);
  assert.deepEqual(Object.keys(res.facets.groups).sort(), ['f/_source', 'f/_tag']);
  const orgs = await e.groupCounts(res, 'f/org');
  assert.ok(e.loaded.includes('f/org'));
  const full = await makeEngine().search('taliban', {withFacets: true, limit: 5, facets: {source: ['republic-world']}});
  assert.deepEqual(orgs, full.facets.groups['f/org']);
});

test('a query loads only the shards for its terms, and documents for shown hits', async () => {
  const e = makeEngine();
  await e.search('zurich', {limit: 1});
  // meta, the one shard holding "zurich", its lexicon files (it is in one article: rare words
  // look for more common spellings), and the bundle of that article (doc 7: the second card of
  // bundle 3, bundles of 2 in the fixture); no facets
  const lex = [...new Set(S.spellKeys('zurich').map((k) => 'w/' + (S.fnv1a(k) % e.meta.lexicon).toString(36)))];
  assert.deepEqual(e.loaded, ['meta', e.shardKey(e.shardOf('zurich')), ...lex, 'd/3']);
});

test('hostile queries: markup, regex characters, 10,000 characters', async () => {
  const e = makeEngine();
  assert.deepEqual(await ids(e, '<script>'), ['xss-test']);
  assert.deepEqual(await ids(e, '<img src=x onerror=alert(1)>').then((r) => r[0]), 'xss-test');
  for (const q of ['.*', '(foo|bar', '[a-z]+', '\\d{3}', '^$', '?+*', '"', '"""', '-', '--', '- -"', '\u0000', '\ud800']) {
    const r = await e.search(q, {limit: 5, prefix: true});
    assert.deepEqual([r.total, r.hits, r.corrections], [0, [], []], q);
  }
  const long = await e.search('taliban '.repeat(1250), {limit: 5, prefix: true});
  assert.equal(long.total, 2);
  assert.deepEqual(long.query.terms.map((t) => t.term), ['taliban']);
  const junk = await e.search('x'.repeat(10000), {limit: 5, prefix: true});
  assert.equal(junk.total, 0);
});

test('empty query without facets returns nothing', async () => {
  for (const q of ['', '   ', '\n']) assert.equal((await makeEngine().search(q)).total, 0);
});

test('snippet picks the densest passage and marks the terms', async () => {
  const e = makeEngine();
  const res = await e.search('northern alliance spokesperson', {limit: 1, fullBodies: true});
  const parts = S.snippet(res.hits[0].doc, res.query, 12);
  const marked = parts.filter((p) => p.hit).map((p) => p.text.toLowerCase());
  assert.ok(marked.includes('spokesperson'), JSON.stringify(parts));
  assert.ok(marked.includes('northern') && marked.includes('alliance'));
});

test('snippets and titles keep markup as plain text parts', async () => {
  const e = makeEngine();
  const res = await e.search('onerror', {limit: 1});
  const doc = res.hits[0].doc;
  const title = S.highlight(doc.t, res.query).map((p) => p.text).join('');
  assert.equal(title, doc.t);
  const snip = S.snippet(doc, res.query).map((p) => p.text).join('');
  assert.ok(snip.includes('<img src=x onerror=alert(1)>'));
});

test('parseQuery: phrases, exclusions, prefix', () => {
  const q = S.parseQuery('"Northern Alliance" -taliban fight', true);
  assert.deepEqual(q.phrases, [['northern', 'allianc']]);
  assert.deepEqual(q.excluded, ['taliban']);
  assert.deepEqual(q.terms.map((t) => [t.term, t.prefix]), [['northern', false], ['allianc', false], ['fight', true]]);
});

// ---------------------------------------------------------------- tiered postings
// The fixture is built with a head of 1 posting and tail blocks of 1 (fixture.py),
// so every word in more than one article has blocks the engine may skip.

function vocabulary() {
  const fs = require('fs');
  const path = require('path');
  const vm = require('vm');
  const {SITE} = require('./helpers.js');
  const dir = path.join(SITE, 'search', 't');
  const words = [];
  const files = fs.readdirSync(dir).flatMap((b) => fs.readdirSync(path.join(dir, b)).map((f) => path.join(b, f)));
  for (const f of files.sort((a, b) => (path.basename(a) < path.basename(b) ? -1 : 1))) {
    const key = 't/' + path.basename(f).replace(/\.js$/, '');
    vm.runInThisContext(fs.readFileSync(path.join(dir, f), 'utf8'));
    const data = S.registry.data.get(key);
    data[0].forEach((t, i) => { if (/^[a-z]+$/.test(t)) words.push({t, tiered: (data[2] || []).some((r) => r[0] === i)}); });
  }
  return words;
}

async function ranked(text, opts) {
  const e = makeEngine();
  const res = await e.search(text, {docs: false, ...opts});
  return {e, list: res.hits.map((h) => h.n), scores: res.hits.map((h) => h.score), res};
}

test('the fixture really has tiered terms and tail blocks', () => {
  const words = vocabulary();
  assert.ok(words.filter((w) => w.tiered).length >= 8, 'expected several tiered terms');
});

test('pruned top-k equals the exhaustive ranking, in order, for many queries and k', async () => {
  const words = vocabulary().map((w) => w.t);
  const tiered = vocabulary().filter((w) => w.tiered).map((w) => w.t);
  const queries = [];
  // every tiered word alone, every pair of tiered words, and tiered + untiered mixes
  tiered.forEach((a, i) => { queries.push(a); tiered.slice(i + 1).forEach((b) => queries.push(a + ' ' + b)); });
  for (let i = 0; i < words.length; i += 3) queries.push(words[i] + ' ' + tiered[i % tiered.length] + ' ' + words[(i * 7) % words.length]);
  let skipped = 0;
  for (const q of queries) {
    for (const k of [1, 2, 3, 5]) {
      const full = await ranked(q, {limit: k, exhaustive: true});
      const part = await ranked(q, {limit: k});
      assert.deepEqual(part.list, full.list, q + ' @' + k);
      // Scores are the loaded part: never above the exhaustive one (the order is what is proven).
      part.scores.forEach((s, i) => assert.ok(s <= full.scores[i] + 1e-12, q + ' @' + k));
      const blocks = (e) => e.loaded.filter((x) => x.startsWith('u/')).length;
      if (blocks(part.e) < blocks(full.e)) skipped++;
    }
  }
  assert.ok(queries.length > 50, String(queries.length));
  assert.ok(skipped > 20, 'pruning should skip tail blocks in many cases, skipped ' + skipped);
});

test('a query answered from the heads loads no tail block; one that needs a block loads it', async () => {
  // "valley" (4 articles): its best article has a clearly higher impact than the rest.
  const head = await ranked('valley', {limit: 1});
  assert.deepEqual(head.e.loaded.filter((k) => k.startsWith('u/')), []);
  assert.equal(head.res.approx, true);  // the count is an estimate without the tails
  const all = await ranked('valley', {limit: 4});
  assert.ok(all.e.loaded.some((k) => k.startsWith('u/')));
  assert.equal(all.list.length, 4);
  assert.equal(all.res.approx, false);
  const full = await ranked('valley', {limit: 4, exhaustive: true});
  assert.deepEqual(all.list, full.list);
});

test('exclusions see every tail block; facet counts say when they are partial', async () => {
  const e = makeEngine();
  const res = await e.search('valley', {limit: 1, withFacets: true});
  // the top result is proven from the head; counts cover only the matches loaded so far
  assert.equal(res.approx, true);
  assert.equal(res.facetsApprox, true);
  const full = await makeEngine().search('valley', {limit: 1, withFacets: true, exhaustive: true});
  assert.equal(full.total, 4);
  assert.equal(full.approx, false);
  assert.equal(full.facetsApprox, false);
  const ex = await ids(makeEngine(), 'valley -massoud');
  assert.deepEqual(new Set(ex), new Set(['saleh-profile', 'fighting-report', 'undated-note']));
});

test('long bodies: the box reads only the lead, snippets and phrases see the whole text', async () => {
  const e = makeEngine();
  const lead = await e.search('panjshir', {limit: 1});
  const doc = lead.hits[0].doc;
  assert.equal(doc.id, 'panjshir-battle');
  assert.ok(doc.more && doc.b.length <= 120, doc.b);  // the fixture's lead is 120 characters
  assert.ok(!e.loaded.some((k) => k.startsWith('c/')));
  const parts = S.snippet(doc, lead.query);
  assert.equal(parts[parts.length - 1].text, ' \u2026');
  const full = await makeEngine().search('panjshir', {limit: 1, fullBodies: true});
  assert.ok(full.hits[0].doc.b.length > 300 && full.hits[0].doc.b.startsWith(doc.b));
  // a phrase near the end of the body is still verified on the whole text
  assert.deepEqual(await ids(makeEngine(), '"northern alliance spokesperson"'), ['panjshir-battle']);
});

// ---------------------------------------------------------------- ranking and spelling

test('an exact word outranks its prefix completions', async () => {
  // "brown" is typed last, so it is also completed ("brownsword"); the exact word wins
  const r = await ids(makeEngine(), 'gordon brown', {prefix: true});
  assert.equal(r[0], 'profile-brown');
  assert.ok(r.indexOf('bath-ultimatum') > 0, JSON.stringify(r));  // gordon + "brownsword": below the exact word
  // completions share one idf (that of all of them together): a rare completion gets no bonus
  const chel = await makeEngine().search('chel', {prefix: true, limit: 5});
  assert.deepEqual(new Set(chel.hits.map((h) => h.doc.id)), new Set(['chela-note', 'chelsea-win']));
});

test('a document matching more of the query words outranks one matching fewer', async () => {
  // brown-bears says "brown" six times, profile-brown has both words once or twice
  assert.deepEqual((await ids(makeEngine(), 'brown chancellor'))[0], 'profile-brown');
  const res = await makeEngine().search('brown chancellor', {limit: 5, rerank: false});
  assert.deepEqual(res.hits.map((h) => h.doc.id), ['profile-brown', 'brown-bears']);
});

test('query words next to each other in the title or lead move a result up', async () => {
  const plain = await makeEngine().search('north sea', {limit: 5, rerank: false});
  const close = await makeEngine().search('north sea', {limit: 5});
  const order = (r) => r.hits.map((h) => h.doc.id).filter((id) => id === 'north-sea' || id === 'sea-north');
  assert.deepEqual(order(close), ['north-sea', 'sea-north']);
  // without the closeness step the newer, non-adjacent one comes first (same words, same lengths)
  assert.deepEqual(order(plain), ['sea-north', 'north-sea']);
});

test("a person's name puts the story about that person first", async () => {
  assert.deepEqual((await ids(makeEngine(), 'gordon brown'))[0], 'profile-brown');
  assert.deepEqual((await ids(makeEngine(), 'jose mourinho'))[0], 'chelsea-win');
});

test('misspelt and transliterated names find the archive spelling, scored below exact words', async () => {
  for (const q of ['mourhino', 'mourinjo', 'chelsae', 'massud', 'masood']) {
    const res = await makeEngine().search(q, {limit: 5});
    assert.ok(res.hits.length > 0, q);
    assert.equal(res.corrections.length, 1, q);
    assert.equal(res.corrections[0].replaced, true, q);
  }
  const m = await makeEngine().search('mourhino', {limit: 5});
  assert.deepEqual(m.corrections, [{word: 'mourhino', to: 'mourinho', replaced: true}]);
  assert.deepEqual(m.hits.map((h) => h.doc.id), ['chelsea-win']);
  // an exact word in the query keeps its weight; the variant adds less than an exact match would
  const both = await makeEngine().search('chelsea mourhino', {limit: 5, rerank: false});
  const exact = await makeEngine().search('chelsea mourinho', {limit: 5, rerank: false});
  assert.ok(both.hits[0].score < exact.hits[0].score);
  // words of under four letters are not corrected
  assert.deepEqual((await makeEngine().search('oik', {limit: 5})).corrections, []);
});

test('spelling lookups load the two lexicon files of the word, nothing else', async () => {
  const e = makeEngine();
  await e.search('mourhino', {limit: 1, docs: false});
  const lex = e.loaded.filter((k) => k.startsWith('w/'));
  assert.ok(lex.length >= 1 && lex.length <= 2, JSON.stringify(lex));
  const keys = S.spellKeys('mourhino').map((k) => 'w/' + (S.fnv1a(k) % e.meta.lexicon).toString(36));
  assert.deepEqual(new Set(lex), new Set(keys));
  // a known word in more than two documents does not look anything up
  const e2 = makeEngine();
  await e2.search('valley', {limit: 1, docs: false});
  assert.deepEqual(e2.loaded.filter((k) => k.startsWith('w/')), []);
});

test('editDistance counts adjacent transpositions once', () => {
  assert.equal(S.editDistance('mourinho', 'mourinho', 2), 0);
  assert.equal(S.editDistance('chelsea', 'chelsae', 2), 1);
  assert.equal(S.editDistance('abc', 'xyz', 2), 3);  // capped at max + 1
});

test('an order that needs tail blocks first shows the results already sure to be in it, then the exact order', async () => {
  // 'taliban valley massoud' at k = 3 needs tail blocks to prove its order (heads of 1 posting in the fixture);
  // panjshir-battle is in the top 3 whatever the blocks hold, the others are not known yet
  const seen = [];
  const e = makeEngine();
  const exact = await e.search('taliban valley massoud', {limit: 3, onProgress: (res) => seen.push(res)});
  assert.equal(seen.length, 1, 'one provisional result');
  assert.equal(seen[0].proven, false);
  assert.ok(seen[0].hits.length > 0 && seen[0].hits.every((h) => h.doc && h.doc.id), 'provisional hits come with cards');
  assert.equal(exact.proven, true);
  const full = await makeEngine().search('taliban valley massoud', {limit: 3, exhaustive: true});
  assert.deepEqual(exact.hits.map((h) => h.doc.id), full.hits.map((h) => h.doc.id));
  assert.deepEqual(seen[0].hits.map((h) => h.doc.id), ['panjshir-battle']);
  // a query proven from the heads alone reports no provisional order
  const quiet = [];
  await makeEngine().search('valley', {limit: 1, onProgress: (res) => quiet.push(res)});
  assert.equal(quiet.length, 0);
  // a stale search (a newer keystroke) reports nothing
  const stale = [];
  await makeEngine().search('taliban valley massoud', {limit: 3, isStale: () => true, onProgress: (res) => stale.push(res)});
  assert.equal(stale.length, 0);
});

test('a provisional result never shows a document the exact order leaves out', async () => {
  // Every fixture word alone and in pairs, phrases too, at several k: what is shown while the order
  // is unproven is a part of the exact top k (a reader never sees a result vanish).
  const words = vocabulary().map((w) => w.t);
  const queries = [];
  for (let i = 0; i < words.length; i += 2) queries.push(words[i], words[i] + ' ' + words[(i * 5 + 3) % words.length]);
  queries.push('"north sea"', '"northern alliance"', 'taliban valley massoud', 'massoud saleh', 'north sea oil');
  let shown = 0;
  for (const q of queries) {
    for (const k of [1, 3, 10]) {
      const seen = [];
      const res = await makeEngine().search(q, {limit: k, onProgress: (r) => seen.push(r)});
      assert.ok(seen.length <= 1, q);
      const final = new Set(res.hits.map((h) => h.doc.id));
      for (const r of seen) {
        shown++;
        r.hits.forEach((h) => assert.ok(final.has(h.doc.id), q + ' @' + k + ': ' + h.doc.id + ' shown, then gone'));
      }
    }
  }
  assert.ok(shown >= 10, String(shown));
});

test('phrases: the pruned top k equals the exhaustive one, loading only the blocks it needs', async () => {
  // Adjacent words of every fixture document (so the phrases exist), at several k; then phrases of
  // tiered words beside other words and exclusions.
  const {fixtureTexts} = require('./helpers.js');
  const queries = new Set();
  for (const text of fixtureTexts()) {
    const ws = text.toLowerCase().match(/[a-z]{3,}/g) || [];
    for (let i = 0; i + 1 < ws.length; i += 7) queries.add('"' + ws[i] + ' ' + ws[i + 1] + '"');
    for (let i = 3; i + 2 < ws.length; i += 23) queries.add('"' + ws[i] + ' ' + ws[i + 1] + ' ' + ws[i + 2] + '"');
  }
  const tiered = vocabulary().filter((w) => w.tiered).map((w) => w.t);
  [...queries].slice(0, 40).forEach((q, i) => {
    queries.add(q + ' ' + tiered[i % tiered.length]);
    queries.add(q + ' -' + tiered[(i * 3) % tiered.length]);
  });
  let fewer = 0, tested = 0;
  for (const q of queries) {
    for (const k of [1, 2, 3, 5]) {
      const full = await ranked(q, {limit: k, exhaustive: true});
      const part = await ranked(q, {limit: k});
      assert.deepEqual(part.list, full.list, q + ' @' + k);
      assert.ok(part.res.total >= part.list.length, q);
      const blocks = (e) => e.loaded.filter((x) => x.startsWith('u/')).length;
      if (blocks(part.e) < blocks(full.e)) fewer++;
      tested++;
    }
  }
  assert.ok(tested > 200, String(tested));
  assert.ok(fewer > tested / 4, 'phrases should skip tail blocks, fewer in ' + fewer + ' of ' + tested);
});

test('a cap on tail blocks (maxBlocks, for measuring) settles for the best known order', async () => {
  // 'valley taliban' at k = 1 needs a tail block to prove its order (heads of 1 posting in the fixture)
  const capped = await makeEngine().search('valley taliban', {limit: 1, maxBlocks: 0, docs: false});
  assert.equal(capped.proven, false);
  assert.equal(capped.hits.length, 1);
  const e = makeEngine();
  const exact = await e.search('valley taliban', {limit: 1, docs: false});
  assert.equal(exact.proven, true);
  assert.ok(e.loaded.some((k) => k.startsWith('u/')));
});

test('encoding twins: fnv1a and front coding agree with encoding.py', () => {
  // python: fnv1a("<mur") and front_code(["a", "af", "oil", "oilse", "oilseed"])
  assert.equal(S.fnv1a('<mur'), 4210754475);
  assert.equal(S.fnv1a('z\u00fcrich\ud835\udd38'), 4282911637);  // accents and a surrogate pair
  assert.deepEqual(S.frontDecode('a Af oil Cse Eed'), ['a', 'af', 'oil', 'oilse', 'oilseed']);
  assert.deepEqual(S.frontDecode(''), []);
});

test('folder twins: bucket, filePath and articleUrl agree with util/folders.py and search/layout.py', () => {
  // The same literal pairs as tests/util/test_folders.py: the file a key names, and an article's address.
  assert.equal(S.bucket('kabul-airport'), '9h');
  assert.equal(S.bucket('21578-r4'), 'fp');
  assert.equal(S.bucket('z\u00fcrich\ud835\udd38'), 'vt');  // accents and a surrogate pair
  assert.equal(S.bucket(''), 'g4');
  assert.equal(S.filePath('meta'), 'meta.js');
  assert.equal(S.filePath('d/12'), 'd/lv/12.js');
  assert.equal(S.filePath('t/_'), 't/ls/_.js');
  assert.equal(S.filePath('u/oil.1z'), 'u/qf/oil.1z.js');
  assert.equal(S.filePath('f/_src'), 'f/89/_src.js');
  assert.equal(S.articleUrl('kabul-airport'), 'articles/9h/kabul-airport.html');
});

test('every word within reach of an archive word finds it: all single edits of four names', async () => {
  // Within reach (README "Spelling"): the first or the last three skeleton letters right and the
  // skeletons within 1 edit (2 from 6 letters), or the same sound key.  Every single-letter
  // deletion, insertion, substitution and adjacent swap of these names that meets that and is
  // not itself a word of the archive must bring back an alternative, nearly always the name
  // (another archive word may be likelier: "chelsem" is nearer "chelsom", "chelea" "chela").
  const e = makeEngine();
  await e.init();
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let checked = 0, first = 0, among = 0;
  for (const name of ['mourinho', 'panjshir', 'massoud', 'chelsea']) {
    const variants = new Set();
    for (let i = 0; i <= name.length; i++) {
      if (i < name.length) variants.add(name.slice(0, i) + name.slice(i + 1));
      if (i + 1 < name.length) variants.add(name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2));
      for (const c of letters) {
        variants.add(name.slice(0, i) + c + name.slice(i));
        if (i < name.length) variants.add(name.slice(0, i) + c + name.slice(i + 1));
      }
    }
    const sk = S.skeleton(name), keys = S.spellKeys(name);
    for (const v of variants) {
      if (v === name || !S.spellable(v) || S.stem(v) === S.stem(name)) continue;
      const vk = S.spellKeys(v), vs = S.skeleton(v);
      const reach = ((vk[0] === keys[0] || vk[1] === keys[1]) && S.editDistance(vs, sk, 2) <= (vs.length >= 6 ? 2 : 1)) ||
        vk[2] === keys[2];
      if (!reach || (await e.getPostings(S.stem(v)))) continue;
      const found = (await e.spellings(v)).alternatives;
      assert.ok(found.length, v + ' finds nothing');
      if (found.some((f) => f.word === name)) among++;
      if (found[0].word === name) first++;
      checked++;
    }
  }
  assert.ok(checked > 400, String(checked));
  assert.ok(among / checked > 0.97, among + ' of ' + checked + ' among the alternatives');
  assert.ok(first / checked > 0.95, first + ' of ' + checked + ' first');
});
