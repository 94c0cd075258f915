// The browser analyzer must produce exactly what the Python indexer stored.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const S = require('../../templates/assets/search.js');

const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'search_vectors.json'), 'utf8'));

test('vector file is substantial', () => {
  assert.ok(vectors.cases.length >= 300, 'a few hundred cases');
  assert.ok(vectors.porter.length >= 150);
});

test('words() agrees with analysis.words on every vector', () => {
  for (const c of vectors.cases) assert.deepEqual(S.words(c.input), c.words, JSON.stringify(c.input));
});

test('analyze() agrees with analysis.analyze on every vector', () => {
  for (const c of vectors.cases) assert.deepEqual(S.analyze(c.input), c.terms, JSON.stringify(c.input));
});

test('porter() agrees with analysis.porter', () => {
  for (const p of vectors.porter) assert.equal(S.porter(p.word), p.stem, p.word);
});

test('fighters, fighter and fighting conflate', () => {
  assert.deepEqual(S.analyze('fighters fighter fighting'), ['fight', 'fight', 'fight']);
});

test('accent and case folding, possessives', () => {
  assert.deepEqual(S.analyze("Émile MASSOUD'S"), ['emil', 'massoud']);
});
