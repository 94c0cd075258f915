// Load the committed fixture index the way node_runner.js loads a site.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
require('../../templates/assets/search-analysis.js');
const S = require('../../templates/assets/search-engine.js');

const SITE = path.join(__dirname, '..', 'fixtures', 'search_site');

function makeEngine(site = SITE) {
  const loaded = [];
  const load = (key) => {
    loaded.push(key);
    const file = path.join(site, 'search', S.filePath(key));
    vm.runInThisContext(fs.readFileSync(file, 'utf8'), {filename: file});
    return Promise.resolve(S.registry.data.get(key));
  };
  const engine = new S.Engine(load);
  engine.loaded = loaded;
  return engine;
}

async function ids(engine, text, opts = {}) {
  const res = await engine.search(text, {limit: 50, ...opts});
  return res.hits.map((h) => h.doc.id);
}

/* The title and body of every document of the fixture index (its cards and rests). */
function fixtureTexts(site = SITE) {
  const out = [];
  const read = (dir) => {
    const root = path.join(site, 'search', dir);
    return fs.readdirSync(root).flatMap((b) => fs.readdirSync(path.join(root, b)).map((f) => {
      vm.runInThisContext(fs.readFileSync(path.join(root, b, f), 'utf8'));
      return S.registry.data.get(dir + '/' + f.replace(/\.js$/, ''));
    }));
  };
  read('c');
  for (const cards of read('d')) cards.forEach((c) => out.push((c[1] || '') + ' ' + (c[3] || '')));
  return out;
}

module.exports = {S, SITE, makeEngine, ids, fixtureTexts};
