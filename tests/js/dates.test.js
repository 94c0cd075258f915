// Sort by date and date ranges, on the committed fixture index (heads of 1 posting, tail
// blocks of 1: nearly every word has blocks a date order may or may not need).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {S, makeEngine, ids} = require('./helpers.js');

// Fixture documents by number (date order, the undated first):
// 0 undated-note, 1 kabul-2019 (2019-03), 2 saleh-profile (2020-06), 3 panjshir-battle (2021-09-05),
// 4 fighting-report (2021-09-06), 5 xss-test (2021-09-07), 6 oil-prices (2021-10), 7 cafe-zurich (2021-11),
// 8-14 (2022-04): profile-brown ... sea-north.

test('newest and oldest first: every word required, the undated after the dated', async () => {
  assert.deepEqual(await ids(makeEngine(), 'valley', {sort: 'new'}),
    ['fighting-report', 'panjshir-battle', 'saleh-profile', 'undated-note']);
  assert.deepEqual(await ids(makeEngine(), 'valley', {sort: 'old'}),
    ['saleh-profile', 'panjshir-battle', 'fighting-report', 'undated-note']);
  // by relevance "valley taliban" also lists articles with one of the words; by date only those with both
  assert.ok((await ids(makeEngine(), 'valley taliban')).includes('saleh-profile'));
  assert.deepEqual(await ids(makeEngine(), 'valley taliban', {sort: 'new'}), ['fighting-report', 'panjshir-battle']);
  // an unknown word is no requirement (as by relevance, it matches nothing and is left out)
  assert.deepEqual(await ids(makeEngine(), 'valley zzqqxx', {sort: 'new', spell: false}),
    ['fighting-report', 'panjshir-battle', 'saleh-profile', 'undated-note']);
  // no words: the documents a filter allows, by date
  assert.deepEqual(await ids(makeEngine(), '', {sort: 'old', facets: {source: ['kabul-times']}}), ['kabul-2019', 'fighting-report']);
  assert.deepEqual(await ids(makeEngine(), '', {sort: 'new'}), []);
});

test('a date order reads no card to sort: only the shown results', async () => {
  const e = makeEngine();
  const res = await e.search('valley', {sort: 'new', limit: 1});
  assert.deepEqual(res.hits.map((h) => h.doc.id), ['fighting-report']);
  assert.deepEqual(e.loaded.filter((k) => k.startsWith('d/')), ['d/2']);
  assert.equal(res.sort, 'new');
});

test('a date order is exact: the first k equal the fully loaded order, with fewer blocks, for many queries', async () => {
  const words = ['valley', 'taliban', 'forces', 'north', 'sea', 'brown', 'panjshir', 'massoud', 'resistance', 'oil',
    'the', 'report', 'alliance', 'kabul', 'talks'];
  const queries = words.concat(['valley taliban', 'north sea', 'panjshir resistance', 'taliban forces', '"north sea"',
    'valley -massoud', 'brown bears', 'oil north']);
  let fewer = 0;
  for (const q of queries) {
    for (const sort of ['new', 'old']) {
      const full = makeEngine();
      const all = await full.search(q, {sort, limit: 50, exhaustive: true, docs: false});
      for (const k of [1, 2, 3]) {
        const e = makeEngine();
        const part = await e.search(q, {sort, limit: k, docs: false});
        assert.deepEqual(part.hits.map((h) => h.n), all.hits.slice(0, k).map((h) => h.n), `${q} ${sort} @${k}`);
        const blocks = (x) => x.loaded.filter((f) => f.startsWith('u/')).length;
        if (blocks(e) < blocks(full)) fewer++;
        if (!part.approx) assert.equal(part.total, all.total, q);
      }
      assert.equal(all.approx, false);
    }
  }
  assert.ok(fewer > 20, 'a date order should skip tail blocks often, skipped in ' + fewer);
});

test('date range: years and months are spans of document numbers; undated articles are in none', async () => {
  const e = makeEngine();
  await e.init();
  assert.deepEqual(e.dateSpan({from: '2021-09', to: '2021-10'}), {lo: 3, hi: 6});
  assert.deepEqual(e.dateSpan({from: '2021'}), {lo: 3, hi: 14});
  assert.deepEqual(e.dateSpan({to: '2020'}), {lo: 1, hi: 2});
  assert.equal(e.dateSpan({}), null);
  assert.equal(e.dateSpan({from: 'soon'}), null);
  assert.deepEqual(e.dateSpan({from: '2023'}), {lo: 0, hi: -1});
  assert.equal(S.monthOf('1987-3', '01'), '1987-03');
  assert.deepEqual(new Set(await ids(e, 'valley', {range: {from: '2021-09', to: '2021-09'}})), new Set(['panjshir-battle', 'fighting-report']));
  assert.deepEqual(await ids(e, '', {range: {from: '2021-10', to: '2021-11'}}), ['cafe-zurich', 'oil-prices']);
  assert.deepEqual(await ids(e, '', {range: {to: '2020-06'}, sort: 'old'}), ['kabul-2019', 'saleh-profile']);
  assert.deepEqual(await ids(e, 'valley', {range: {from: '2022'}}), []);
  // counts and totals follow the range
  const res = await e.search('valley', {range: {from: '2021'}, withFacets: true, limit: 10});
  assert.equal(res.total, 2);
  assert.deepEqual(res.facets.years, [['2021', 2]]);
});
