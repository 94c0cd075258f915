// The browser analyzer must produce exactly what the Python indexer stored.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const S = require('../../templates/assets/search-analysis.js');

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

test('the same stemmer exceptions as analysis.py', () => {
  assert.equal(S.SHORT_WORD, vectors.exceptions.short_word);
  assert.deepEqual({...S.EXCEPTIONS}, vectors.exceptions.words);
});

test('porterStandard() is Porter (1980) word for word: the published vocabulary and output', () => {
  const lines = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'search_porter.tsv'), 'utf8').split('\n');
  let n = 0;
  for (const line of lines) {
    if (!line || line.startsWith('#')) continue;
    const [word, stem] = line.split('\t');
    assert.equal(S.porterStandard(word), stem, word);
    n++;
  }
  assert.equal(n, 42588);
});

test('skeleton() and spellKeys() agree with analysis.py', () => {
  assert.ok(vectors.spelling.length >= 60);
  for (const c of vectors.spelling) {
    assert.equal(S.skeleton(c.word), c.skeleton, c.word);
    assert.deepEqual(S.spellKeys(c.word), c.keys, c.word);
  }
});

test('accent and case folding, possessives', () => {
  assert.deepEqual(S.analyze("Émile MASSOUD'S"), ['emil', 'massoud']);
});
