/* Run the site's own search engine (templates/assets/search-*.js) under Node.
 *
 * Usage: node node_runner.js ASSETS_DIR SITE_DIR LIMIT [exhaustive | blocks=N] < queries.jsonl
 * (exhaustive: load every tail block, no top-k pruning: the reference ranking;
 * blocks=N: at most N tail blocks, as the browser's search UI)
 * Input lines: {"id": ..., "text": ..., optional "sort" ("new" | "old"), "from", "to" ("YYYY" or "YYYY-MM"),
 * "facets" ({param: [values]}, as the search page's URL)}; output lines: {"query_id", "results", "corrections"}
 * (corrections: [{word, to, replaced}], the spelling the search page would show).
 * Index files are the same classic scripts the browser loads: each is run
 * with vm.runInThisContext and registers itself via __as (__archiveSearch.put).
 * All queries go through one process so the index is parsed once.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const readline = require('readline');

const [assets, siteDir, limitArg, mode] = process.argv.slice(2);
require(path.resolve(assets, 'search-analysis.js'));
const api = require(path.resolve(assets, 'search-engine.js'));
const limit = parseInt(limitArg || '10', 10);

function load(key) {
  if (api.registry.data.has(key)) return Promise.resolve(api.registry.data.get(key));
  const file = path.join(siteDir, 'search', api.filePath(key));
  return fs.promises.readFile(file, 'utf8').then((code) => {
    vm.runInThisContext(code, {filename: file});
    if (!api.registry.data.has(key)) throw new Error(file + ' did not register ' + key);
    return api.registry.data.get(key);
  });
}

async function main() {
  const engine = new api.Engine(load);
  await engine.init();
  const rl = readline.createInterface({input: process.stdin, crlfDelay: Infinity});
  const out = [];
  for await (const line of rl) {
    if (!line.trim()) continue;
    const q = JSON.parse(line);
    // Cards are loaded as in the browser (the closeness re-order reads them); ids come from them.
    const opts = {limit: limit, exhaustive: mode === 'exhaustive', sort: q.sort, facets: q.facets,
      range: q.from || q.to ? {from: q.from, to: q.to} : null};
    if (mode && mode.startsWith('blocks=')) opts.maxBlocks = parseInt(mode.slice(7), 10);
    const res = await engine.search(String(q.text || ''), opts);
    out.push(JSON.stringify({query_id: q.id === undefined ? null : q.id, results: res.hits.map((h) => h.doc.id),
      corrections: res.corrections}));
    if (out.length >= 200) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
