/* Run the site's own search engine (templates/assets/search.js) under Node.
 *
 * Usage: node node_runner.js SEARCH_JS SITE_DIR LIMIT [exhaustive] < queries.jsonl
 * (exhaustive: load every tail block, no top-k pruning: the reference ranking)
 * Input lines: {"id": ..., "text": ...}; output lines: {"query_id", "results"}.
 * Index files are the same classic scripts the browser loads: each is run
 * with vm.runInThisContext and registers itself via __as (__archiveSearch.put).
 * All queries go through one process so the index is parsed once.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const readline = require('readline');

const [searchJs, siteDir, limitArg, mode] = process.argv.slice(2);
const api = require(path.resolve(searchJs));
const limit = parseInt(limitArg || '10', 10);

function load(key) {
  if (api.registry.data.has(key)) return Promise.resolve(api.registry.data.get(key));
  const file = path.join(siteDir, 'search', key + '.js');
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
    const res = await engine.search(String(q.text || ''), {limit: limit, docs: false, exhaustive: mode === 'exhaustive'});
    // Ids come from the card bundles (read once each: the registry keeps them).
    const cards = await Promise.all(res.hits.map((h) => engine.loadDoc(h.n)));
    out.push(JSON.stringify({query_id: q.id === undefined ? null : q.id, results: cards.map((c) => c.id)}));
    if (out.length >= 200) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
