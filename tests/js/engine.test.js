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
  assert.deepEqual(await ids(e, 'massou', {prefix: true}), ['panjshir-battle']);
  assert.deepEqual(await ids(e, 'massou'), []);
  assert.deepEqual(await ids(e, 'amrull', {prefix: true}).then((r) => new Set(r)), new Set(['panjshir-battle', 'saleh-profile']));
  // a trailing space ends the word: no completion
  assert.deepEqual(await ids(e, 'massou ', {prefix: true}), []);
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
  assert.deepEqual(await ids(e, '', {facets: {source: ['Kabul Times']}}), ['fighting-report', 'kabul-2019']);
  assert.deepEqual(await ids(e, '', {facets: {type: ['person']}}), ['panjshir-battle', 'saleh-profile']);
  assert.deepEqual(await ids(e, '', {facets: {year: ['undated']}}), ['undated-note']);
});

test('live facet counts follow the results', async () => {
  const e = makeEngine();
  const res = await e.search('taliban', {withFacets: true, limit: 5});
  assert.equal(res.total, 2);
  const orgs = Object.fromEntries(res.facets.entities.org.map((v) => [v[0], v[2]]));
  assert.deepEqual(orgs, {'org:taliban': 2, 'org:northern-alliance': 1});
  assert.deepEqual(res.facets.years, [['2021', 2]]);
  assert.deepEqual(Object.fromEntries(res.facets.types), {org: 2, person: 1, place: 1});
  const all = await e.search('', {withFacets: true, limit: 0});
  assert.equal(all.total, 0);
  assert.deepEqual(all.facets.years.map((y) => y[0]), ['2021', '2020', '2019', 'undated']);
});

test('a query loads only the shards for its terms, and documents for shown hits', async () => {
  const e = makeEngine();
  await e.search('zurich', {limit: 1});
  const shards = e.loaded.filter((k) => k.startsWith('t/'));
  assert.equal(shards.length, 1);
  // doc 7 is the second card of bundle 3 (bundles of 2 in the fixture)
  assert.deepEqual(e.loaded.filter((k) => k.startsWith('d/')), ['d/3']);
  assert.ok(!e.loaded.some((k) => k.startsWith('f/') || k === 'ids'));
});

test('hostile queries: markup, regex characters, 10,000 characters', async () => {
  const e = makeEngine();
  assert.deepEqual(await ids(e, '<script>'), ['xss-test']);
  assert.deepEqual(await ids(e, '<img src=x onerror=alert(1)>').then((r) => r[0]), 'xss-test');
  for (const q of ['.*', '(foo|bar', '[a-z]+', '\\d{3}', '^$', '?+*', '"', '"""', '-', '--', '- -"', '\u0000', '\ud800']) {
    const r = await e.search(q, {limit: 5, prefix: true});
    assert.ok(Array.isArray(r.hits), q);
  }
  const t0 = Date.now();
  const long = await e.search('taliban '.repeat(1250), {limit: 5, prefix: true});
  assert.equal(long.total, 2);
  assert.ok(Date.now() - t0 < 2000);
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
  for (const f of fs.readdirSync(dir).sort()) {
    const key = 't/' + f.replace(/\.js$/, '');
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

test('facets, exclusions and phrases see every tail block', async () => {
  const e = makeEngine();
  const res = await e.search('valley', {limit: 1, withFacets: true});
  assert.equal(res.total, 4);
  assert.equal(res.approx, false);
  const ex = await ids(makeEngine(), 'valley -massoud');
  assert.deepEqual(new Set(ex), new Set(['saleh-profile', 'fighting-report', 'undated-note']));
});

test('long bodies: the box reads only the lead, snippets and phrases see the whole text', async () => {
  const e = makeEngine();
  const lead = await e.search('panjshir', {limit: 1, leads: true});
  const doc = lead.hits[0].doc;
  assert.equal(doc.id, 'panjshir-battle');
  assert.ok(doc.more && doc.b.length <= 120, doc.b);
  assert.ok(!e.loaded.some((k) => k.startsWith('c/')));
  const parts = S.snippet(doc, lead.query);
  assert.equal(parts[parts.length - 1].text, ' \u2026');
  const full = await makeEngine().search('panjshir', {limit: 1, fullBodies: true});
  assert.ok(full.hits[0].doc.b.length > 300 && full.hits[0].doc.b.startsWith(doc.b));
  // a phrase near the end of the body is still verified on the whole text
  assert.deepEqual(await ids(makeEngine(), '"northern alliance spokesperson"'), ['panjshir-battle']);
});
