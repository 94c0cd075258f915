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
    assert.equal(S.soundKey(c.word), c.sound, c.word);
  }
});

test('spelling: typing costs and choices agree with spelling.py, to the unit', () => {
  assert.ok(vectors.typing_costs.length >= 100);
  for (const c of vectors.typing_costs) assert.equal(S.typingCost(c.typed, c.word), c.cost, c.typed + ' ' + c.word);
  for (const c of vectors.choices) {
    const got = S.spellChoice(c.typed, vectors.lexicon);
    assert.deepEqual(got.alternatives.map((a) => [a.word, a.digit, a.cost, a.score]), c.alternatives, c.typed);
    assert.equal(got.replaced, c.replaced, c.typed);
  }
});

test('spelling picks the likely word: frequent and sounding alike beats one edit to a rare word', () => {
  const lex = [['blair', 7], ['clare', 1], ['ipod', 5], ['iraq', 8], ['harvest', 4], ['harvets', 0]];
  assert.equal(S.spellChoice('blare', lex).alternatives[0].word, 'blair');
  assert.deepEqual(S.spellChoice('blare', lex).alternatives.map((a) => a.word), ['blair']);  // clare is too unlikely to join
  assert.equal(S.spellChoice('ipood', lex).alternatives[0].word, 'ipod');
  // a known rare word is offered the common one, not replaced by it
  assert.deepEqual(S.spellChoice('harvets', lex), {alternatives: S.spellChoice('harvets', lex).alternatives, replaced: false});
  assert.equal(S.spellChoice('harvets', lex).alternatives[0].word, 'harvest');
  // far more common (2^6 times) and one edit away: replaced
  assert.equal(S.spellChoice('harvets', [['harvest', 7], ['harvets', 0]]).replaced, true);
  // nothing in reach: the nearest word is still offered, never applied
  const far = S.spellChoice('ipxqd', lex);
  assert.equal(far.alternatives[0].word, 'ipod');
  assert.equal(far.replaced, false);
});

test('accent and case folding, possessives', () => {
  assert.deepEqual(S.analyze("Émile MASSOUD'S"), ['emil', 'massoud']);
});

// Other languages: the analysers of multilingual.py with the vendored Snowball stemmers.
test('every language analyser agrees with multilingual.py on every vector', () => {
  const vm = require('vm');
  require('../../templates/assets/search-engine.js');  // the registry the stemmer scripts register with
  const reg = globalThis.__archiveSearch.data;
  const dir = path.join(__dirname, '..', '..', 'templates', 'snowball');
  const analysers = new Map();
  function analyserOf(lang, algo) {
    if (!analysers.has(lang)) {
      let stemmer = null;
      if (algo) {
        if (!reg.has('s/base')) vm.runInThisContext(fs.readFileSync(path.join(dir, 'base.js'), 'utf8'));
        if (!reg.has('s/' + algo)) vm.runInThisContext(fs.readFileSync(path.join(dir, algo + '.js'), 'utf8'));
        stemmer = new (reg.get('s/' + algo))();
      }
      analysers.set(lang, S.analyser(lang, stemmer));
    }
    return analysers.get(lang);
  }
  assert.ok(vectors.languages.length >= 500);
  for (const c of vectors.languages) {
    const an = analyserOf(c.lang, c.algorithm);
    assert.deepEqual(an.words(c.input), c.words, c.lang + ' ' + JSON.stringify(c.input));
    assert.deepEqual(an.analyze(c.input), c.terms, c.lang + ' ' + JSON.stringify(c.input));
  }
});
