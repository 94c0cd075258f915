/* Archive full-text search: text analysis, index loading, BM25F ranking, UI.
 *
 * A classic script (no modules, no fetch) so it works from file://, where
 * Chromium blocks both.  Index files under search/ are scripts that call
 * __as(key, data) (= __archiveSearch.put); the engine inserts <script> tags for the
 * shards a query needs.  The same file runs under Node for the command line
 * (generator/search/node_runner.js) and the unit tests (tests/js/).
 *
 * The analysis functions mirror generator/search/analysis.py line by line;
 * tests/fixtures/search_vectors.json holds the cases both must agree on.
 */
(function (global) {
  'use strict';

  // ------------------------------------------------------------- analysis
  var MAX_TOKEN = 40;
  var MIN_TOKEN = 2;
  var STOP_WORDS = new Set((
    'a about above after again against all am an and any are as at be because been before ' +
    'being below between both but by can could did do does doing down during each few for ' +
    'from further had has have having he her here hers herself him himself his how i if in ' +
    'into is it its itself just me more most my myself no nor not of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs ' +
    'them themselves then there these they this those through to too under until up very was ' +
    'we were what when where which while who whom why will with would you your yours yourself ' +
    'yourselves').split(' '));
  var ASCII = /^[\x00-\x7f]*$/;
  var MARKS = /\p{M}/gu;
  var APOS = /[\u2019\u2018\u02bc`]/g;
  // Dotted acronyms ("U.S.") become one word; else letter/digit runs with inner apostrophes.
  // (Acronym letters are L, Nl, No: Python's [^\W\d_], which the indexer uses.)
  var WORD = /[\p{L}\p{Nl}\p{No}](?:\.[\p{L}\p{Nl}\p{No}])+(?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;

  function fold(text) {
    var s;
    if (ASCII.test(text)) s = text.toLowerCase();
    else s = text.normalize('NFKD').replace(MARKS, '').toLowerCase().replace(MARKS, '');
    return s.replace(APOS, "'");
  }

  function words(text) {
    var out = [];
    var m;
    var s = fold(text);
    WORD.lastIndex = 0;
    while ((m = WORD.exec(s)) !== null) {
      var tok = m[0];
      if (tok.indexOf('.') >= 0) {
        tok = tok.split('.').join('');
      } else if (tok.indexOf("'") >= 0) {
        if (tok.endsWith("'s")) tok = tok.slice(0, -2);
        tok = tok.split("'").join('');
      }
      out.push(tok);
    }
    return out;
  }

  function keep(w) {
    return w.length >= MIN_TOKEN && w.length <= MAX_TOKEN && !STOP_WORDS.has(w);
  }

  var stemCache = new Map();
  function stem(w) {
    var s = stemCache.get(w);
    if (s === undefined) {
      s = /^[a-z]+$/.test(w) ? porter(w) : w;
      if (stemCache.size < 100000) stemCache.set(w, s);
    }
    return s;
  }

  function analyze(text) {
    var out = [];
    var ws = words(text);
    for (var i = 0; i < ws.length; i++) if (keep(ws[i])) out.push(stem(ws[i]));
    return out;
  }

  // Porter (1980) with step 4 "-er" at m > 0, as in analysis.py.
  function cons(w, i) {
    var c = w[i];
    if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
    if (c === 'y') return i === 0 || !cons(w, i - 1);
    return true;
  }
  function measure(w) {
    var n = 0, i = 0, k = w.length;
    while (i < k && cons(w, i)) i++;
    while (i < k) {
      while (i < k && !cons(w, i)) i++;
      if (i >= k) break;
      n++;
      while (i < k && cons(w, i)) i++;
    }
    return n;
  }
  function hasVowel(w) {
    for (var i = 0; i < w.length; i++) if (!cons(w, i)) return true;
    return false;
  }
  function doublec(w) {
    var k = w.length;
    return k >= 2 && w[k - 1] === w[k - 2] && cons(w, k - 1);
  }
  function cvc(w) {
    var k = w.length;
    return k >= 3 && cons(w, k - 3) && !cons(w, k - 2) && cons(w, k - 1) && 'wxy'.indexOf(w[k - 1]) < 0;
  }
  var STEP2 = [['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'],
    ['bli', 'ble'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'],
    ['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'],
    ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'],
    ['logi', 'log']];
  var STEP3 = [['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''],
    ['ness', '']];
  var STEP4 = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou',
    'ism', 'ate', 'iti', 'ous', 'ive', 'ize'];
  function replaceRules(w, rules) {
    var best = null;
    for (var i = 0; i < rules.length; i++) {
      if (w.endsWith(rules[i][0]) && (best === null || rules[i][0].length > best[0].length)) best = rules[i];
    }
    if (best === null) return w;
    var st = w.slice(0, w.length - best[0].length);
    return measure(st) > 0 ? st + best[1] : w;
  }
  function porter(w) {
    if (w.length <= 2) return w;
    if (w.endsWith('sses') || w.endsWith('ies')) w = w.slice(0, -2);
    else if (w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
    if (w.endsWith('eed')) {
      if (measure(w.slice(0, -3)) > 0) w = w.slice(0, -1);
    } else {
      var sufs = ['ed', 'ing'];
      for (var i = 0; i < sufs.length; i++) {
        var suf = sufs[i];
        if (w.endsWith(suf) && hasVowel(w.slice(0, -suf.length))) {
          w = w.slice(0, -suf.length);
          if (w.endsWith('at') || w.endsWith('bl') || w.endsWith('iz')) w += 'e';
          else if (doublec(w) && 'lsz'.indexOf(w[w.length - 1]) < 0) w = w.slice(0, -1);
          else if (measure(w) === 1 && cvc(w)) w += 'e';
          break;
        }
      }
    }
    if (w.endsWith('y') && hasVowel(w.slice(0, -1))) w = w.slice(0, -1) + 'i';
    w = replaceRules(w, STEP2);
    w = replaceRules(w, STEP3);
    var best = '';
    for (var j = 0; j < STEP4.length; j++) {
      if (w.endsWith(STEP4[j]) && STEP4[j].length > best.length) best = STEP4[j];
    }
    if (best) {
      var st = w.slice(0, -best.length);
      var ok;
      if (best === 'ion') ok = st.length > 0 && 'st'.indexOf(st[st.length - 1]) >= 0 && measure(st) > 1;
      else if (best === 'er') ok = measure(st) > 0;
      else ok = measure(st) > 1;
      if (ok) w = st;
    }
    if (w.endsWith('e')) {
      var m = measure(w.slice(0, -1));
      if (m > 1 || (m === 1 && !cvc(w.slice(0, -1)))) w = w.slice(0, -1);
    }
    if (measure(w) > 1 && doublec(w) && w.endsWith('l')) w = w.slice(0, -1);
    return w;
  }

  // ------------------------------------------------------------ query parsing
  var MAX_QUERY = 2000;   // characters looked at; a 10,000-character paste is cut
  var MAX_TERMS = 32;     // distinct terms scored
  var MIN_PREFIX = 3;     // letters before the last word is completed as a prefix

  /* Parse "words", "quoted phrases", -excluded; the last bare word may be a prefix.
   * Returns {terms: [{term, word, prefix}], phrases: [[term]], excluded: [term]}. */
  function parseQuery(text, allowPrefix) {
    text = String(text || '').slice(0, MAX_QUERY);
    var q = {terms: [], phrases: [], excluded: []};
    var re = /(-?)"([^"]*)("?)|(\S+)/g;
    var m;
    var pieces = [];
    while ((m = re.exec(text)) !== null) {
      if (m[4] !== undefined) pieces.push({kind: 'word', text: m[4], end: re.lastIndex});
      else pieces.push({kind: m[1] ? 'notphrase' : 'phrase', text: m[2], end: re.lastIndex, closed: !!m[3]});
    }
    var endsInWord = /[\p{L}\p{N}]$/u.test(text);
    var seen = new Set();
    for (var i = 0; i < pieces.length; i++) {
      var p = pieces[i];
      var last = i === pieces.length - 1;
      if (p.kind === 'phrase' || p.kind === 'notphrase') {
        var ph = analyze(p.text);
        if (p.kind === 'notphrase') { ph.forEach(function (t) { q.excluded.push(t); }); continue; }
        if (ph.length > 1) q.phrases.push(ph);
        ph.forEach(function (t) { if (!seen.has(t)) { seen.add(t); q.terms.push({term: t, word: t, prefix: false}); } });
        continue;
      }
      var neg = p.text.length > 1 && p.text[0] === '-';
      var ws = words(neg ? p.text.slice(1) : p.text);
      for (var j = 0; j < ws.length; j++) {
        var w = ws[j];
        // Completing 1-2 letters would match too much to be useful and costs shards.
        var isPrefix = allowPrefix && !neg && last && j === ws.length - 1 && endsInWord && w.length >= MIN_PREFIX;
        if (!keep(w) && !isPrefix) continue;
        var t = keep(w) ? stem(w) : '';
        if (neg) { if (t) q.excluded.push(t); continue; }
        if (isPrefix) { q.terms.push({term: t, word: w, prefix: true}); continue; }
        if (!seen.has(t)) { seen.add(t); q.terms.push({term: t, word: w, prefix: false}); }
      }
    }
    q.terms = q.terms.slice(0, MAX_TERMS);
    q.excluded = q.excluded.slice(0, MAX_TERMS);
    return q;
  }

  // ------------------------------------------------------------ index decoding
  var ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_';
  var CODE = new Int8Array(128).fill(-1);
  for (var ai = 0; ai < 64; ai++) CODE[ALPHABET.charCodeAt(ai)] = ai;

  /* Postings "gap impact gap impact ..." -> {docs: Int32Array, imp: Uint8Array}. */
  function decodePostings(s) {
    var docs = [], imp = [];
    var i = 0, prev = -1, n = s.length;
    while (i < n) {
      var v = 0, c;
      while ((c = CODE[s.charCodeAt(i++)]) >= 32) v = v * 32 + (c - 32);
      v = v * 32 + c;
      prev += v;
      docs.push(prev);
      imp.push(CODE[s.charCodeAt(i++)]);
    }
    return {docs: Int32Array.from(docs), imp: Uint8Array.from(imp)};
  }

  /* A term, separator or facet type as a file name, as encoding.file_name: [a-z0-9] kept, other UTF-16 units _hhhh. */
  function fileName(text) {
    var out = '';
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) out += text[i];
      else out += '_' + ('000' + c.toString(16)).slice(-4);
    }
    return out;
  }

  /* Facet document lists: runs, see encode_runs in encoding.py. */
  function decodeRuns(s) {
    var out = [];
    var i = 0, prev = -1, n = s.length;
    function num() {
      var v = 0, c;
      while ((c = CODE[s.charCodeAt(i++)]) >= 32) v = v * 32 + (c - 32);
      return v * 32 + c;
    }
    while (i < n) {
      var v = num();
      var start = prev + Math.floor(v / 2);
      var end = start;
      if (v % 2) end = start + num();
      for (var d = start; d <= end; d++) out.push(d);
      prev = end;
    }
    return Int32Array.from(out);
  }

  // ------------------------------------------------------------ registry
  var registry = global.__archiveSearch;
  if (!registry || !registry.put) {
    registry = {data: new Map(), waiting: new Map()};
    registry.put = function (key, value) {
      registry.data.set(key, value);
      var w = registry.waiting.get(key);
      if (w) { registry.waiting.delete(key); w.forEach(function (f) { f(value); }); }
    };
    global.__archiveSearch = registry;
  }
  // The short name the index files call (it is repeated in every file loaded).
  global.__as = function (key, value) { registry.put(key, value); };

  /* Browser loader: a <script src> per index file (works from file://). */
  function scriptLoader(base) {
    var pending = new Map();
    return function (key) {
      if (registry.data.has(key)) return Promise.resolve(registry.data.get(key));
      if (pending.has(key)) return pending.get(key);
      var p = new Promise(function (resolve, reject) {
        var list = registry.waiting.get(key) || [];
        list.push(resolve);
        registry.waiting.set(key, list);
        var s = document.createElement('script');
        s.src = base + 'search/' + key + '.js';
        s.async = true;
        s.onerror = function () { pending.delete(key); reject(new Error('cannot load ' + key)); };
        document.head.appendChild(s);
      });
      pending.set(key, p);
      return p;
    };
  }

  // ------------------------------------------------------------ engine
  function Engine(load) {
    this.load = load;           // key -> Promise of the data the file put
    this.meta = null;
    this.postings = new Map();  // term -> posting entry (cache), see getPostings
    this.shardTerms = new Map(); // shard key -> {terms, posts}
    this.facetLists = new Map(); // facet key -> [{key, name, docs}]
    this.bytesHint = 0;
  }

  Engine.prototype.init = function () {
    var self = this;
    if (this.meta) return Promise.resolve(this.meta);
    return this.load('meta').then(function (m) {
      if (typeof m.shards === 'string') m.shards = m.shards ? m.shards.split(' ') : [];
      self.meta = m;
      return m;
    });
  };

  Engine.prototype.shardOf = function (term) {
    var b = this.meta.shards, lo = 0, hi = b.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (b[mid] <= term) lo = mid + 1; else hi = mid; }
    return lo;
  };

  /* Shard i's file: the first is t/_, the others are named by the separator they start at. */
  Engine.prototype.shardKey = function (i) {
    return i === 0 ? 't/_' : 't/' + fileName(this.meta.shards[i - 1]);
  };

  Engine.prototype.loadShard = function (idx) {
    var self = this, key = this.shardKey(idx);
    if (!this.shardTerms.has(key)) {
      this.shardTerms.set(key, this.load(key).then(function (data) {
        var tiers = new Map();  // index in shard -> [df, block directory]
        (data[2] || []).forEach(function (row) { tiers.set(row[0], row.slice(1)); });
        return {terms: data[0], posts: data[1], tiers: tiers};
      }));
    }
    return this.shardTerms.get(key);
  };

  /* A term's posting entry (null when absent): {term, df, parts, blocks, open}.
   * parts are the decoded postings loaded so far: the head (a long list's
   * highest impacts) and any tail blocks; a document is in exactly one.  blocks
   * are the tail blocks in doc order, {key, start, max, done}: block j may hold
   * documents start_j .. start_(j+1) - 1 (the first from 0), none with an impact
   * above max.  open counts the blocks not loaded.  Short lists have no blocks. */
  Engine.prototype.getPostings = function (term) {
    var self = this;
    if (this.postings.has(term)) return Promise.resolve(this.postings.get(term));
    return this.loadShard(this.shardOf(term)).then(function (s) {
      var i = s.terms.indexOf(term);
      var e = null;
      if (i >= 0) {
        var head = decodePostings(s.posts[i]);
        var t = s.tiers.get(i);
        e = {term: term, df: t ? t[0] : head.docs.length, parts: [head], blocks: [], open: 0};
        if (t) {
          // Block files are named by the term and their first document (see layout.block_key).
          var dir = decodePostings(t[1]), name = 'u/' + fileName(term) + '.';
          for (var j = 0; j < dir.docs.length; j++) {
            e.blocks.push({key: name + dir.docs[j].toString(36), start: j ? dir.docs[j] : 0, max: dir.imp[j], done: false});
          }
          e.open = e.blocks.length;
        }
      }
      self.postings.set(term, e);
      return e;
    });
  };

  /* The block of entry e that may hold document d. */
  function blockOf(e, d) {
    var lo = 0, hi = e.blocks.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (e.blocks[mid].start <= d) lo = mid; else hi = mid - 1; }
    return e.blocks[lo];
  }

  /* Load one tail block of entry e (the registry and e.parts cache it). */
  Engine.prototype.loadBlock = function (e, blk) {
    if (blk.done || blk.pending) return blk.pending || Promise.resolve(e);
    blk.pending = this.load(blk.key).then(function (s) {
      if (!blk.done) { e.parts.push(decodePostings(s)); blk.done = true; e.open--; }
      blk.pending = null;
      return e;
    });
    return blk.pending;
  };

  /* Load every remaining block of the entries (for exact sets: exclusions, phrases, counts). */
  Engine.prototype.loadAllTiers = function (entries) {
    var self = this, loads = [];
    entries.forEach(function (e) {
      if (e) e.blocks.forEach(function (blk) { if (!blk.done) loads.push(self.loadBlock(e, blk)); });
    });
    return Promise.all(loads).then(function () { return entries; });
  };

  var MAX_PREFIX_SHARDS = 2;
  var MAX_EXPANSIONS = 30;

  /* Terms starting with a folded word; reads at most MAX_PREFIX_SHARDS shards. */
  Engine.prototype.expandPrefix = function (word) {
    var self = this;
    var first = this.shardOf(word);
    var last = Math.min(this.shardOf(word + '\uffff'), first + MAX_PREFIX_SHARDS - 1);
    var loads = [];
    for (var i = first; i <= last; i++) loads.push(this.loadShard(i));
    return Promise.all(loads).then(function (shards) {
      var found = [];
      shards.forEach(function (s) {
        for (var j = 0; j < s.terms.length; j++) {
          if (!s.terms[j].startsWith(word)) continue;
          var t = s.tiers.get(j);
          found.push({term: s.terms[j], df: t ? t[0] : decodePostings(s.posts[j]).docs.length});
        }
      });
      // The most frequent completions: the document count, which a head tier alone does not show.
      found.sort(function (a, b) { return b.df - a.df || (a.term < b.term ? -1 : 1); });
      return found.slice(0, MAX_EXPANSIONS).map(function (f) { return f.term; });
    }).then(function (terms) {
      return Promise.all(terms.map(function (t) { return self.getPostings(t).then(function (p) { return {term: t, p: p}; }); }));
    });
  };

  Engine.prototype.idf = function (df) {
    var n = this.meta.n;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };

  Engine.prototype.loadFacet = function (key) {
    var self = this;
    if (this.facetLists.has(key)) return Promise.resolve(this.facetLists.get(key));
    return this.load(key).then(function (rows) {
      var list = rows.map(function (r) { return {key: r[0], name: r[1], runs: r[2], docs: null}; });
      self.facetLists.set(key, list);
      return list;
    });
  };

  function facetDocs(v) {
    if (!v.docs) v.docs = decodeRuns(v.runs);
    return v.docs;
  }

  /* A document's card from its bundle (d/: a few consecutive documents, see
   * layout.card): {id, u, t, d, s, m, e, b: the lead of the body, more: the body
   * goes on}.  withBody true also loads the rest of a long body (c/, bundled
   * too) for phrase checks. */
  Engine.prototype.loadDoc = function (n, withBody) {
    var self = this, meta = this.meta;
    return this.load('d/' + Math.floor(n / meta.bundle).toString(36)).then(function (cards) {
      var c = cards[n % meta.bundle];
      var doc = {id: c[0], t: c[1] || '', d: c[2] || '', b: c[3] || '', e: c[4] || [], s: c[5] || '',
        more: !!c[6], m: c[7] || '', u: c[8] || 'articles/' + c[0] + '.html'};
      if (!withBody || withBody === 'lead' || !doc.more) return doc;
      return self.load('c/' + Math.floor(n / meta.rest).toString(36)).then(function (rests) {
        doc.b += rests[n % meta.rest];
        doc.more = false;
        return doc;
      });
    });
  };

  Engine.prototype.yearOf = function (n) {
    var ys = this.meta.years;
    for (var i = 0; i < ys.length; i++) if (n >= ys[i][1] && n <= ys[i][2]) return ys[i][0];
    return '';
  };

  /* Search.  opts: {prefix, limit, facets: {type:[], entity:["type:id"], year:[], source:[]},
   * withFacets, bodies (how many hits get a body; default all), leads (only the
   * lead of long bodies), docs (false: no cards), exhaustive (load every tail
   * block, the reference the pruning is tested against), isStale}.
   * Resolves to {total, approx, hits: [{n, score, doc}], facets, query}; hits are
   * the exhaustive top `limit` in order, score the part of it known from the
   * blocks loaded; total is an estimate (approx) unless every block was needed. */
  Engine.prototype.search = function (text, opts) {
    var self = this;
    opts = opts || {};
    var limit = opts.limit === undefined ? 10 : opts.limit;
    var sel = opts.facets || {};
    var q = parseQuery(text, !!opts.prefix);
    return this.init().then(function () {
      var N = self.meta.n;
      var groups = q.terms.map(function (t) {
        var exact = t.term ? self.getPostings(t.term).then(function (p) { return p ? [{term: t.term, p: p}] : []; })
          : Promise.resolve([]);
        if (!t.prefix) return exact;
        return Promise.all([exact, self.expandPrefix(t.word)]).then(function (r) {
          var out = r[0].slice();
          r[1].forEach(function (e) { if (e.p && e.term !== t.term) out.push(e); });
          return out;
        });
      });
      // Exclusions must be exact: every tier of an excluded word.
      var excl = Promise.all(q.excluded.map(function (t) { return self.getPostings(t); }))
        .then(function (es) { return self.loadAllTiers(es); });
      var needFacets = opts.withFacets || anySelected(sel);
      var facetLoads = needFacets ? self.loadFacets(sel, opts.withFacets) : Promise.resolve(null);
      return Promise.all([Promise.all(groups), excl, facetLoads]).then(function (r) {
        var groups = r[0], excluded = r[1];
        // Facet counts, totals for paging and phrase candidates need every match;
        // otherwise lower tiers load only while the top `limit` cannot be proven.
        var all = opts.exhaustive || opts.withFacets || q.phrases.length > 0;
        var entries = [];
        groups.forEach(function (g) { g.forEach(function (e) { entries.push(e.p); }); });
        var ready = all ? self.loadAllTiers(entries) : Promise.resolve();
        return ready.then(function () { return self.rankTiered(q, groups, excluded, sel, limit, N, opts); });
      });
    });
  };

  /* Rank with the blocks loaded so far; while the top `limit` is not proven
   * exact, load the blocks that could lift its contenders most, and retry. */
  Engine.prototype.rankTiered = function (q, groups, excluded, sel, limit, N, opts) {
    var self = this;
    var r = this.rank(q, groups, excluded, sel, limit, N);
    if (r.proven || (opts.isStale && opts.isStale())) return this.finishRank(q, r, limit, N, opts);
    var loads = r.need.length ? r.need.map(function (x) { return self.loadBlock(x.e, x.blk); })
      : [this.loadAllTiers(groups.reduce(function (a, g) { return a.concat(g.map(function (x) { return x.p; })); }, []))];
    return Promise.all(loads).then(function () {
      return self.rankTiered(q, groups, excluded, sel, limit, N, opts);
    });
  };

  function anySelected(sel) {
    return ['type', 'entity', 'year', 'source'].some(function (k) { return sel[k] && sel[k].length; });
  }

  Engine.prototype.loadFacets = function (sel, all) {
    var self = this, keys = [];
    this.meta.types.forEach(function (t) {
      var used = (sel.type || []).indexOf(t[0]) >= 0 ||
        (sel.entity || []).some(function (e) { return e.split(':')[0] === t[0]; });
      if (all || used) keys.push(t[1]);
    });
    if (all || (sel.source || []).length) keys.push(this.meta.sources);
    return Promise.all(keys.map(function (k) { return self.loadFacet(k); }));
  };

  Engine.prototype.typeKey = function (type) {
    var t = this.meta.types.filter(function (x) { return x[0] === type; })[0];
    return t ? t[1] : null;
  };

  /* Documents allowed by the facet selection (null = no restriction). */
  Engine.prototype.facetFilter = function (sel, N) {
    var self = this;
    var allow = null;
    function intersect(mask) {
      if (allow === null) { allow = mask; return; }
      for (var i = 0; i < N; i++) allow[i] &= mask[i];
    }
    function unionOf(lists) {
      var m = new Uint8Array(N);
      lists.forEach(function (docs) { for (var i = 0; i < docs.length; i++) m[docs[i]] = 1; });
      return m;
    }
    (sel.entity || []).forEach(function (e) {
      var c = e.indexOf(':');
      var key = self.typeKey(e.slice(0, c));
      var list = key && self.facetLists.get(key);
      var v = list && list.filter(function (x) { return x.key === e.slice(c + 1); })[0];
      intersect(unionOf(v ? [facetDocs(v)] : []));
    });
    if ((sel.type || []).length) {
      var lists = [];
      sel.type.forEach(function (t) {
        var key = self.typeKey(t);
        (self.facetLists.get(key) || []).forEach(function (v) { lists.push(facetDocs(v)); });
      });
      intersect(unionOf(lists));
    }
    if ((sel.source || []).length) {
      var srcs = (self.facetLists.get(self.meta.sources) || []).filter(function (v) { return sel.source.indexOf(v.key) >= 0; });
      intersect(unionOf(srcs.map(facetDocs)));
    }
    if ((sel.year || []).length) {
      var m = new Uint8Array(N);
      self.meta.years.forEach(function (y) {
        if (sel.year.indexOf(y[0] || 'undated') >= 0) for (var i = y[1]; i <= y[2]; i++) m[i] = 1;
      });
      intersect(m);
    }
    return allow;
  };

  // Contending documents whose blocks one round of rankTiered loads (in parallel).
  var BLOCKS_PER_ROUND = 4;

  /* Score every document with the postings loaded so far.
   *
   * scores[d] is the exact contribution of what is loaded (summed group by group
   * in query order, so with everything loaded it is the exhaustive score to the
   * bit).  upper[d] bounds the true score: in a group, an entry whose postings
   * for d are not loaded may still hold d in the unloaded block covering d,
   * worth at most weight * that block's max impact.  The top `limit` is proven
   * when it is the same list in the same order whatever the unloaded blocks
   * hold (checks at the end); otherwise `need` lists blocks to load: for the
   * contenders with the highest bounds, the block that could add most.
   * Returns {docs (ranked known matches), scores, proven, need, complete,
   * estimate (of the match count when not complete), ...}. */
  Engine.prototype.rank = function (q, groups, excluded, sel, limit, N) {
    var self = this;
    var k1 = this.meta.k1, levels = this.meta.levels;
    var scores = new Float64Array(N);
    var upper = null;          // allocated when some block is unloaded
    var unsure = null;         // documents whose true score may exceed scores[d]
    var hit = new Uint8Array(N);
    var positive = false;
    var open = [];             // entries with unloaded blocks: {e, w, has}
    var missProb = 1;          // P(a document matches no group), for the estimated total
    groups.forEach(function (group, gi) {
      if (!group.length) return;
      positive = true;
      var isPrefix = q.terms[gi].prefix;
      var best = group.length > 1 ? new Float64Array(N) : null;
      var slack = null;        // highest bound among this group's entries not holding d
      var df = 0;
      group.forEach(function (e) {
        var p = e.p;
        // Completions of a prefix count a little less than the word itself.
        var w = self.idf(p.df) * (k1 + 1) / levels * (isPrefix && e.term !== q.terms[gi].term ? 0.9 : 1);
        df = Math.max(df, p.df);
        var has = p.open ? new Uint8Array(N) : null;
        p.parts.forEach(function (part) {
          for (var i = 0; i < part.docs.length; i++) {
            var d = part.docs[i], s = w * part.imp[i];
            if (has) has[d] = 1;
            if (best) { if (s > best[d]) best[d] = s; } else { scores[d] += s; hit[d] = 1; }
          }
        });
        if (!p.open) return;
        open.push({e: p, w: w, has: has});
        if (!slack) slack = new Float64Array(N);
        p.blocks.forEach(function (blk, j) {
          if (blk.done) return;
          var v = w * blk.max;
          var end = j + 1 < p.blocks.length ? p.blocks[j + 1].start : N;
          for (var d = blk.start; d < end; d++) if (!has[d] && v > slack[d]) slack[d] = v;
        });
      });
      if (best) for (var d = 0; d < N; d++) if (best[d] > 0) { scores[d] += best[d]; hit[d] = 1; }
      missProb *= 1 - Math.min(df, N) / Math.max(N, 1);
      if (!slack) return;
      if (!upper) { upper = new Float64Array(N); unsure = new Uint8Array(N); }
      for (var d2 = 0; d2 < N; d2++) {
        // A single entry's loaded postings are exact (slack 0 there), so lo only matters for best.
        var lo = best ? best[d2] : 0;
        if (slack[d2] > lo) { unsure[d2] = 1; upper[d2] += slack[d2] - lo; }
      }
    });
    // Phrase terms are all required (the phrase itself is checked on the text later);
    // phrase queries load every block, so these lists are complete.
    var required = [];
    q.phrases.forEach(function (ph) {
      ph.forEach(function (t) { if (required.indexOf(t) < 0) required.push(t); });
    });
    if (required.length) {
      var need = new Uint8Array(N);
      var ok = true;
      required.forEach(function (t) {
        var p = self.postings.get(t);
        if (!p) { ok = false; return; }
        p.parts.forEach(function (part) { for (var i = 0; i < part.docs.length; i++) need[part.docs[i]]++; });
      });
      for (var d2b = 0; d2b < N; d2b++) if (!ok || need[d2b] < required.length) hit[d2b] = 0;
    }
    var ex = new Uint8Array(N);
    excluded.forEach(function (p) {
      if (p) p.parts.forEach(function (part) { for (var i = 0; i < part.docs.length; i++) ex[part.docs[i]] = 1; });
    });
    var allow = anySelected(sel) ? this.facetFilter(sel, N) : null;
    var docs = [];
    if (positive || required.length) {
      for (var d3 = 0; d3 < N; d3++) if (hit[d3] && !ex[d3] && (allow === null || allow[d3])) docs.push(d3);
      docs.sort(function (a, b) { return scores[b] - scores[a] || b - a; });
    } else if (allow !== null) {
      // Browse by facet: newest first.
      for (var d4 = N - 1; d4 >= 0; d4--) if (allow[d4] && !ex[d4]) docs.push(d4);
    }
    var out = {docs: docs, scores: scores, proven: true, need: [], complete: !open.length,
      estimate: docs.length, positive: positive, required: required, allow: allow};
    if (!open.length) return out;
    out.estimate = Math.max(docs.length, Math.round(N * (1 - missProb)));
    for (var d6 = 0; d6 < N; d6++) upper[d6] += scores[d6];
    // Proof that the first k = min(limit, matches) known matches are the exhaustive top k, in order.
    var k = Math.min(limit, docs.length);
    var kth = k ? scores[docs[k - 1]] : 0;
    // Fewer known matches than asked for: every match is needed, so every block.
    if (k < limit) { out.proven = false; return out; }
    var contenders = [];
    var unsureTop = [];
    // 1. within the top k: an unsure document must stay below everything above it, and
    //    everything below it must stay strictly below its known part.
    var minUnsure = Infinity, broken = false;
    for (var j = 0; j < k; j++) {
      var dj = docs[j];
      if (unsure[dj]) {
        unsureTop.push(dj);
        if (j > 0 && !(scores[docs[j - 1]] > upper[dj])) contenders.push(dj);
        minUnsure = Math.min(minUnsure, scores[dj]);
      } else if (!(minUnsure > scores[dj])) broken = true;
    }
    // 2. no other document, known match or not, can climb into the top k.
    var inTop = new Uint8Array(N);
    for (var j1 = 0; j1 < k; j1++) inTop[docs[j1]] = 1;
    for (var d7 = 0; d7 < N; d7++) {
      if (inTop[d7] || ex[d7] || (allow !== null && !allow[d7]) || (required.length && !hit[d7])) continue;
      if (unsure[d7]) {
        if (!(upper[d7] < kth)) contenders.push(d7);
      } else if (hit[d7] && !(scores[d7] < minUnsure)) broken = true;
    }
    if (broken) contenders = contenders.concat(unsureTop);
    if (!contenders.length) return out;
    out.proven = false;
    // Resolve the strongest contenders first: for each, the unloaded block that could add most.
    contenders.sort(function (a, b) { return upper[b] - upper[a] || b - a; });
    var picked = new Set();
    for (var c = 0; c < contenders.length && out.need.length < BLOCKS_PER_ROUND; c++) {
      var dc = contenders[c], bestBlk = null, bestV = 0, bestE = null;
      open.forEach(function (o) {
        if (o.has[dc]) return;
        var blk = blockOf(o.e, dc);
        if (!blk.done && o.w * blk.max > bestV) { bestV = o.w * blk.max; bestBlk = blk; bestE = o.e; }
      });
      if (bestBlk && !picked.has(bestBlk.key)) { picked.add(bestBlk.key); out.need.push({e: bestE, blk: bestBlk}); }
    }
    return out;
  };

  /* Turn a proven ranking into the result: phrase checks, totals, facet counts, cards. */
  Engine.prototype.finishRank = function (q, r, limit, N, opts) {
    var self = this;
    var docs = r.docs, scores = r.scores;
    var countOver = docs;
    if (!r.positive && !r.required.length && r.allow === null) {
      // Nothing asked yet: facet counts describe the whole archive (browse entry point).
      countOver = [];
      for (var d5 = 0; d5 < N; d5++) countOver.push(d5);
    }
    // Without every tier the match count is an estimate (shown as "about N").
    var result = {total: r.complete ? docs.length : r.estimate, approx: !r.complete, hits: [], facets: null, query: q};
    var take = function (list) {
      return list.map(function (d) { return {n: d, score: scores[d], doc: null}; });
    };
    var finish = function (verified) {
      result.hits = verified;
      if (opts.withFacets) result.facets = self.facetCounts(countOver, N);
      // A newer keystroke already replaced this search: skip its cards and bodies.
      if (opts.docs === false || (opts.isStale && opts.isStale())) return result;
      return Promise.all(result.hits.map(function (h) {
        return self.loadDoc(h.n, opts.fullBodies ? true : 'lead').then(function (doc) { h.doc = doc; });
      })).then(function () { return result; });
    };
    if (!q.phrases.length) return finish(take(docs.slice(0, limit)));
    // Verify phrases on document text, best candidates first, in small batches.
    var out = [], pos = 0;
    var step = function () {
      if (out.length >= limit || pos >= docs.length) {
        if (pos < docs.length) { result.total = out.length + (docs.length - pos); result.approx = true; }
        else result.total = out.length;
        return finish(take(out.slice(0, limit)));
      }
      var batch = docs.slice(pos, pos + Math.max(10, limit - out.length));
      pos += batch.length;
      return Promise.all(batch.map(function (d) { return self.loadDoc(d, true); })).then(function (ds) {
        ds.forEach(function (doc, i) { if (phrasesMatch(doc, q.phrases)) out.push(batch[i]); });
        return step();
      });
    };
    return step();
  };

  function docFields(doc) {
    return [doc.t || '', doc.m || '', (doc.e || []).map(function (e) { return e[1]; }).join(' '), doc.b || ''];
  }

  function phrasesMatch(doc, phrases) {
    var seqs = docFields(doc).map(analyze);
    return phrases.every(function (ph) {
      return seqs.some(function (seq) {
        outer: for (var i = 0; i + ph.length <= seq.length; i++) {
          for (var j = 0; j < ph.length; j++) if (seq[i + j] !== ph[j]) continue outer;
          return true;
        }
        return false;
      });
    });
  }

  /* Live facet counts over the result documents. */
  Engine.prototype.facetCounts = function (docs, N) {
    var self = this;
    var inRes = new Uint8Array(N);
    docs.forEach(function (d) { inRes[d] = 1; });
    var out = {types: [], entities: {}, years: [], sources: []};
    this.meta.types.forEach(function (t) {
      var list = self.facetLists.get(t[1]) || [];
      var any = new Uint8Array(N);
      var vals = [];
      list.forEach(function (v) {
        var ds = facetDocs(v), c = 0;
        for (var i = 0; i < ds.length; i++) if (inRes[ds[i]]) { c++; any[ds[i]] = 1; }
        if (c) vals.push([t[0] + ':' + v.key, v.name, c]);
      });
      vals.sort(function (a, b) { return b[2] - a[2] || (a[1] < b[1] ? -1 : 1); });
      var tc = 0;
      for (var i = 0; i < N; i++) tc += any[i];
      out.types.push([t[0], tc]);
      out.entities[t[0]] = vals;
    });
    this.meta.years.forEach(function (y) {
      var c = 0;
      for (var i = y[1]; i <= y[2]; i++) c += inRes[i];
      var name = y[0] || 'undated';
      var prev = out.years.filter(function (x) { return x[0] === name; })[0];
      if (prev) prev[1] += c; else out.years.push([name, c]);
    });
    out.years = out.years.filter(function (y) { return y[1] > 0; }).reverse();
    (this.facetLists.get(this.meta.sources) || []).forEach(function (v) {
      var ds = facetDocs(v), c = 0;
      for (var i = 0; i < ds.length; i++) c += inRes[ds[i]];
      if (c) out.sources.push([v.key, c]);
    });
    return out;
  };

  // ------------------------------------------------------------ snippets
  var TEXT_WORD = /\p{L}(?:\.\p{L})+(?![\p{L}\p{N}])|[\p{L}\p{N}\p{M}]+(?:['\u2019][\p{L}\p{N}\p{M}]+)*/gu;

  /* Matching predicate for highlighting: exact stems, plus the prefix word. */
  function matcher(q) {
    var terms = new Set();
    var prefixes = [];
    q.terms.forEach(function (t) { if (t.term) terms.add(t.term); if (t.prefix) prefixes.push(t.word); });
    return function (word) {
      var ws = words(word);
      for (var i = 0; i < ws.length; i++) {
        if (keep(ws[i]) && terms.has(stem(ws[i]))) return true;
        for (var j = 0; j < prefixes.length; j++) if (ws[i].startsWith(prefixes[j])) return true;
      }
      return false;
    };
  }

  /* Split text into [{text, hit}] parts, marking query words. */
  function highlight(text, q) {
    var isHit = matcher(q);
    var parts = [], last = 0, m;
    TEXT_WORD.lastIndex = 0;
    while ((m = TEXT_WORD.exec(text)) !== null) {
      if (isHit(m[0])) {
        if (m.index > last) parts.push({text: text.slice(last, m.index), hit: false});
        parts.push({text: m[0], hit: true});
        last = m.index + m[0].length;
      }
    }
    if (last < text.length) parts.push({text: text.slice(last), hit: false});
    return parts;
  }

  /* The densest window of about `width` words, as highlighted parts. */
  function snippet(doc, q, width) {
    width = width || 30;
    var text = doc.b || doc.m || '';
    if (!text) return [];
    var isHit = matcher(q);
    var toks = [], m;
    TEXT_WORD.lastIndex = 0;
    while ((m = TEXT_WORD.exec(text)) !== null) {
      toks.push({s: m.index, e: m.index + m[0].length, hit: isHit(m[0]), w: m[0]});
      if (toks.length > 20000) break;
    }
    if (!toks.length) return [{text: text.slice(0, 200), hit: false}];
    var bestStart = 0, bestScore = -1, count = 0, distinct = new Map();
    function add(t, d) {
      if (!t.hit) return;
      count += d;
      var k = stem(words(t.w)[0] || '');
      distinct.set(k, (distinct.get(k) || 0) + d);
      if (!distinct.get(k)) distinct.delete(k);
    }
    for (var i = 0; i < toks.length; i++) {
      add(toks[i], 1);
      if (i >= width) add(toks[i - width], -1);
      var score = distinct.size * 100 + count;
      if (score > bestScore) { bestScore = score; bestStart = Math.max(0, i - width + 1); }
    }
    // A few words of context before the first hit, without losing the window's last hit.
    var stop = Math.min(toks.length, bestStart + width);
    var firstHit = -1, lastHit = -1;
    for (var k = bestStart; k < stop; k++) if (toks[k].hit) { if (firstHit < 0) firstHit = k; lastHit = k; }
    var start = firstHit < 0 ? 0 : Math.max(0, firstHit - 4);
    if (lastHit >= start + width) start = lastHit - width + 1;
    var end = Math.min(toks.length - 1, start + width - 1);
    var s = toks[start].s, e = toks[end].e;
    var parts = highlight(text.slice(s, e), q);
    if (s > 0) parts.unshift({text: '\u2026 ', hit: false});
    if (e < text.length || doc.more) parts.push({text: ' \u2026', hit: false});
    return parts;
  }

  var api = {
    fold: fold, words: words, keep: keep, stem: stem, porter: porter, analyze: analyze,
    parseQuery: parseQuery, decodePostings: decodePostings, decodeRuns: decodeRuns,
    Engine: Engine, highlight: highlight, snippet: snippet, registry: registry,
    STOP_WORDS: STOP_WORDS
  };
  global.ArchiveSearch = api;
  if (typeof module === 'object' && module.exports) module.exports = api;


  // ------------------------------------------------------------ UI
  function setupUI(api) {
    function start() {
      var root = (document.body && document.body.getAttribute('data-root')) || './';
      var engine = new Engine(scriptLoader(root));
      global.__archiveSearchEngine = engine;
      document.querySelectorAll('[data-search-box]').forEach(function (form) { quickBox(form, engine, root); });
      var page = document.querySelector('[data-search-page]');
      if (page) searchPage(page, engine, root);
      document.addEventListener('keydown', function (ev) {
        if (ev.key !== '/' || ev.ctrlKey || ev.metaKey || ev.altKey) return;
        var t = ev.target;
        if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
        var input = document.querySelector('[data-search-page] input[role=combobox]') ||
          document.querySelector('[data-search-box] input[role=combobox]');
        if (input) { ev.preventDefault(); input.focus(); input.select(); }
      });
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function appendParts(node, parts) {
    parts.forEach(function (p) {
      if (p.hit) node.appendChild(el('mark', '', p.text));
      else node.appendChild(document.createTextNode(p.text));
    });
  }

  function metaLine(doc) {
    var line = el('span', 'as-meta');
    if (doc.d) { var t = el('time', '', doc.d); t.setAttribute('datetime', doc.d); line.appendChild(t); }
    if (doc.s) line.appendChild(el('span', 'as-source', doc.s));
    return line;
  }

  function chips(doc) {
    var box = el('span', 'as-chips');
    (doc.e || []).slice(0, 6).forEach(function (e) {
      var c = el('span', 'as-chip', e[1]);
      c.setAttribute('data-type', e[2]);
      c.title = e[2];
      box.appendChild(c);
    });
    return box;
  }

  var uid = 0;

  /* ARIA 1.2 combobox: the input owns a listbox of options; arrow keys move
   * aria-activedescendant, Enter follows the active option, Escape closes. */
  function combobox(input, listbox, status, openHref) {
    var active = -1;
    function options() { return Array.prototype.slice.call(listbox.querySelectorAll('[role=option]')); }
    function setActive(i) {
      var opts = options();
      opts.forEach(function (o, j) { o.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
      active = i;
      if (i >= 0 && opts[i]) {
        input.setAttribute('aria-activedescendant', opts[i].id);
        if (opts[i].scrollIntoView) opts[i].scrollIntoView({block: 'nearest'});
      } else input.removeAttribute('aria-activedescendant');
    }
    input.addEventListener('keydown', function (ev) {
      var opts = options();
      if (ev.key === 'ArrowDown' && opts.length) {
        ev.preventDefault();
        if (listbox.hidden) { listbox.hidden = false; input.setAttribute('aria-expanded', 'true'); }
        setActive(active < opts.length - 1 ? active + 1 : 0);
      } else if (ev.key === 'ArrowUp' && opts.length) {
        ev.preventDefault();
        setActive(active > 0 ? active - 1 : opts.length - 1);
      } else if (ev.key === 'Enter' && active >= 0 && opts[active]) {
        ev.preventDefault();
        openHref(opts[active].getAttribute('data-href'));
      } else if (ev.key === 'Escape') {
        if (!listbox.hidden && listbox.getAttribute('data-collapsible')) {
          listbox.hidden = true; input.setAttribute('aria-expanded', 'false'); setActive(-1);
        }
      }
    });
    return {
      reset: function () { setActive(-1); },
      render: function (items, message) {
        listbox.textContent = '';
        items.forEach(function (node) {
          node.id = node.id || 'as-opt-' + (++uid);
          node.setAttribute('role', 'option');
          node.setAttribute('aria-selected', 'false');
          listbox.appendChild(node);
        });
        active = -1;
        input.removeAttribute('aria-activedescendant');
        status.textContent = message;
      }
    };
  }

  function resultOption(h, q, root, withSnippet) {
    var li = el('li', 'as-result');
    li.setAttribute('data-href', root + h.doc.u);
    li.setAttribute('data-id', h.doc.id);
    // Options hold plain text only (no links or buttons inside: a listbox option
    // must not contain interactive content); the option itself opens the article.
    var title = el('span', 'as-title');
    appendParts(title, highlight(h.doc.t || h.doc.id, q));
    li.appendChild(title);
    li.appendChild(metaLine(h.doc));
    if (withSnippet) {
      var p = el('p', 'as-snippet');
      appendParts(p, snippet(h.doc, q));
      li.appendChild(p);
    }
    if ((h.doc.e || []).length) li.appendChild(chips(h.doc));
    li.addEventListener('click', function () { window.location.href = li.getAttribute('data-href'); });
    return li;
  }

  function debounce(fn, ms) {
    var t = null;
    return function () { clearTimeout(t); t = setTimeout(fn, ms); };
  }

  // The top-bar list shows cards for QUICK_RESULTS hits and snippets for the first
  // QUICK_SNIPPETS (article bodies are most of what a query downloads); the full
  // search page shows snippets for every result.
  var QUICK_RESULTS = 6;
  var QUICK_SNIPPETS = 2;
  // Wait for a pause in typing: every intermediate prefix search loads shards and cards.
  var QUICK_DEBOUNCE_MS = 120;

  function quickBox(form, engine, root) {
    var input = form.querySelector('input[role=combobox]');
    var listbox = form.querySelector('[role=listbox]');
    var status = form.querySelector('[role=status]');
    if (!input || !listbox || !status) return;
    listbox.setAttribute('data-collapsible', '1');
    form.setAttribute('action', root + 'search/index.html');
    var seq = 0;
    var cb = combobox(input, listbox, status, function (href) { window.location.href = href; });
    function close() { listbox.hidden = true; input.setAttribute('aria-expanded', 'false'); cb.reset(); }
    var run = debounce(function () {
      var text = input.value;
      var my = ++seq;
      if (!text.trim()) { cb.render([], ''); close(); return; }
      var stale = function () { return my !== seq; };
      engine.search(text, {prefix: true, limit: QUICK_RESULTS, bodies: QUICK_SNIPPETS, leads: true, isStale: stale}).then(function (res) {
        if (stale()) return;
        var items = res.hits.map(function (h) { return resultOption(h, res.query, root, h.doc.b !== undefined); });
        // Without the tail blocks of long posting lists the count is an estimate.
        var more = el('li', 'as-more', res.approx ? 'All results (about ' + res.total + ') \u2192' : 'All ' + res.total + ' results \u2192');
        more.setAttribute('data-href', root + 'search/index.html?q=' + encodeURIComponent(text));
        more.addEventListener('click', function () { window.location.href = more.getAttribute('data-href'); });
        if (res.total) items.push(more);
        cb.render(items, res.total ? (res.approx ? 'about ' : '') + res.total + ' results' : 'No results');
        listbox.hidden = items.length === 0;
        input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
      }).catch(function (e) { status.textContent = 'Search unavailable: ' + e.message; });
    }, QUICK_DEBOUNCE_MS);
    input.addEventListener('input', function () { seq++; run(); });
    // Leaving the box collapses the list (after a click on an option has been handled).
    input.addEventListener('blur', function () { setTimeout(function () { if (document.activeElement !== input) close(); }, 200); });
    input.addEventListener('focus', function () { if (input.value.trim() && listbox.children.length) { listbox.hidden = false; input.setAttribute('aria-expanded', 'true'); } });
    document.addEventListener('click', function (ev) { if (!form.contains(ev.target)) close(); });
  }

  var FACET_KEYS = ['type', 'entity', 'year', 'source'];
  var PAGE_SIZE = 10;  // results per "page" of the search page (each shown result loads its body)

  function searchPage(page, engine, root) {
    var form = page.querySelector('form');
    var input = page.querySelector('input[role=combobox]');
    var listbox = page.querySelector('[role=listbox]');
    var status = page.querySelector('[role=status]');
    var facetBox = page.querySelector('[data-facets]');
    var params = new URLSearchParams(window.location.search);
    var state = {q: params.get('q') || '', facets: {}, limit: PAGE_SIZE};
    FACET_KEYS.forEach(function (k) { state.facets[k] = params.getAll(k); });
    input.value = state.q;
    var seq = 0;
    var cb = combobox(input, listbox, status, function (href) { window.location.href = href; });
    var moreBtn = page.querySelector('[data-more]') || el('button');
    moreBtn.addEventListener('click', function () { state.limit += PAGE_SIZE; run(); });

    function syncUrl() {
      var p = new URLSearchParams();
      if (state.q) p.set('q', state.q);
      FACET_KEYS.forEach(function (k) { state.facets[k].forEach(function (v) { p.append(k, v); }); });
      var qs = p.toString();
      try { history.replaceState(null, '', qs ? '?' + qs : window.location.pathname); } catch (e) { /* file:// in some browsers */ }
    }
    function toggle(kind, value) {
      var list = state.facets[kind];
      var i = list.indexOf(value);
      if (i >= 0) list.splice(i, 1); else list.push(value);
      state.limit = PAGE_SIZE;
      run();
    }
    function renderFacets(f) {
      facetBox.textContent = '';
      if (!f) return;
      function group(title, kind, rows) {
        if (!rows.length) return;
        var fs = el('fieldset', 'as-facet');
        fs.appendChild(el('legend', '', title));
        rows.slice(0, 12).forEach(function (r) {
          var label = el('label');
          var cbx = el('input');
          cbx.type = 'checkbox';
          cbx.value = r.value;
          cbx.checked = state.facets[kind].indexOf(r.value) >= 0;
          cbx.setAttribute('data-facet', kind);
          cbx.addEventListener('change', function () { toggle(kind, r.value); });
          label.appendChild(cbx);
          label.appendChild(document.createTextNode(' ' + r.name + ' '));
          label.appendChild(el('span', 'as-count', '(' + r.count + ')'));
          fs.appendChild(label);
        });
        facetBox.appendChild(fs);
      }
      group('Entity type', 'type', f.types.filter(function (t) { return t[1] > 0 || state.facets.type.indexOf(t[0]) >= 0; })
        .map(function (t) { return {value: t[0], name: t[0], count: t[1]}; }));
      Object.keys(f.entities).forEach(function (type) {
        var rows = f.entities[type].map(function (e) { return {value: e[0], name: e[1], count: e[2]}; });
        // Selected values stay visible even when outside the top rows.
        state.facets.entity.forEach(function (v) {
          if (v.split(':')[0] === type && !rows.slice(0, 12).some(function (r) { return r.value === v; })) {
            var m = rows.filter(function (r) { return r.value === v; })[0];
            rows.unshift(m || {value: v, name: v.split(':').slice(1).join(':'), count: 0});
          }
        });
        group(type, 'entity', rows);
      });
      group('Year', 'year', f.years.map(function (y) { return {value: y[0], name: y[0], count: y[1]}; }));
      group('Source', 'source', f.sources.map(function (s) { return {value: s[0], name: s[0], count: s[1]}; }));
    }
    function run() {
      state.q = input.value;
      syncUrl();
      var my = ++seq;
      if (!state.q.trim() && !anySelected(state.facets)) {
        cb.render([], 'Type to search, or pick a facet.');
        engine.search('', {withFacets: true, limit: 0}).then(function (res) { if (my === seq) renderFacets(res.facets); });
        return;
      }
      engine.search(state.q, {prefix: false, limit: state.limit, facets: state.facets, withFacets: true}).then(function (res) {
        if (my !== seq) return;
        var items = res.hits.map(function (h) { return resultOption(h, res.query, root, true); });
        cb.render(items, (res.total ? (res.approx ? 'About ' : '') + res.total : 'No') + ' result' + (res.total === 1 ? '' : 's'));
        moreBtn.hidden = !(res.total > res.hits.length);
        renderFacets(res.facets);
      }).catch(function (e) { status.textContent = 'Search unavailable: ' + e.message; });
    }
    form.addEventListener('submit', function (ev) { ev.preventDefault(); run(); });
    input.addEventListener('input', debounce(run, 120));
    run();
  }

  // Last, so every var above is assigned before the UI starts (defer scripts may run it at once).
  if (typeof document !== 'undefined' && typeof window !== 'undefined') setupUI(api);
})(typeof window !== 'undefined' ? window : globalThis);
