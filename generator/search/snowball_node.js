/* Stem words with the vendored Snowball stemmers (templates/snowball/) under Node, for the
 * Python/JavaScript parity check (generator/search/snowball_vocab.py, tests/search/).
 *
 * Usage: node snowball_node.js < lines      each line "algorithm<TAB>word"; prints one stem a line.
 */
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const dir = path.resolve(__dirname, '..', '..', 'templates', 'snowball');
const registry = {data: new Map()};
globalThis.__archiveSearch = registry;
globalThis.__as = (key, value) => registry.data.set(key, value);
const stemmers = new Map();
function stemmer(algo) {
  if (!stemmers.has(algo)) {
    if (!registry.data.has('s/base')) vm.runInThisContext(fs.readFileSync(path.join(dir, 'base.js'), 'utf8'));
    vm.runInThisContext(fs.readFileSync(path.join(dir, algo + '.js'), 'utf8'));
    const Cls = registry.data.get('s/' + algo);
    stemmers.set(algo, new Cls());
  }
  return stemmers.get(algo);
}
const out = [];
for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
  if (!line) continue;
  const tab = line.indexOf('\t');
  out.push(stemmer(line.slice(0, tab)).stemWord(line.slice(tab + 1)));
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
