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

module.exports = {S, SITE, makeEngine, ids};
