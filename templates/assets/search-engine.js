/* Archive search, part 2 of 3: the engine (index loading, ranking, snippets).
 *
 * Reads the index generator/search/browser_index.py writes under search/
 * (layout in generator/search/README.md): every file is a classic script
 * calling __as(key, data), loaded with <script src> (Chromium blocks fetch()
 * on file://).  The same code runs under Node for the command line
 * (generator/search/node_runner.js) and the unit tests (tests/js/).
 */
(function (global) {
  'use strict';
  var A = global.ArchiveSearch || (typeof require === 'function' ? require('./search-analysis.js') : {});
  var stem = A.stem;

  // ------------------------------------------------------------ query parsing
  var MAX_QUERY = 2000;   // characters looked at; a 10,000-character paste is cut
  var MAX_TERMS = 32;     // distinct terms scored
  var MIN_PREFIX = 3;     // letters before the last word is completed as a prefix

  /* Parse "words", "quoted phrases", -excluded; the last bare word may be a prefix.
   * Returns {terms: [{term, word, prefix, phrase, alts, by}], phrases: [[term]], excluded: [term]}.
   * `ans` are the archive's analysers (meta.langs; English alone by default), the
   * most used first: a word's term is the first's, `alts` the other analysers' terms
   * for the same word (scored like the word itself: each document holds the terms of
   * its own analyser), `by` the term per analyser; phraseAlts the phrases per analyser. */
  function parseQuery(text, allowPrefix, ans) {
    ans = ans || [A.analyser('en')];
    text = String(text || '').slice(0, MAX_QUERY);
    var q = {terms: [], phrases: [], excluded: [], phraseAlts: ans.length > 1 ? [] : null};
    var re = /(-?)"([^"]*)("?)|(\S+)/g;
    var m, pieces = [];
    while ((m = re.exec(text)) !== null) {
      if (m[4] !== undefined) pieces.push({kind: 'word', text: m[4]});
      else pieces.push({kind: m[1] ? 'notphrase' : 'phrase', text: m[2]});
    }
    var endsInWord = /[\p{L}\p{N}]$/u.test(text);
    var seen = new Set();
    for (var i = 0; i < pieces.length; i++) {
      var p = pieces[i];
      var last = i === pieces.length - 1;
      if (p.kind !== 'word') {
        var phs = ans.map(function (an) { return an.analyze(p.text); });
        if (p.kind === 'notphrase') {
          phs.forEach(function (ph) { ph.forEach(function (t) { if (q.excluded.indexOf(t) < 0) q.excluded.push(t); }); });
          continue;
        }
        var ph = phs[0];
        if (Math.max.apply(null, phs.map(function (x) { return x.length; })) > 1) {
          q.phrases.push(ph);
          if (q.phraseAlts) q.phraseAlts.push(phs);
        }
        var n = Math.max.apply(null, phs.map(function (x) { return x.length; }));
        for (var k = 0; k < n; k++) {
          var by = phs.map(function (x) { return x[k] || null; });
          var t0 = firstOf(by);
          if (t0 && !seen.has(t0)) { seen.add(t0); q.terms.push(withAlts({term: t0, word: t0, prefix: false, phrase: true}, by)); }
        }
        continue;
      }
      var neg = p.text.length > 1 && p.text[0] === '-';
      var piece = neg ? p.text.slice(1) : p.text;
      var wss = ans.map(function (an) { return an.words(piece); });
      var ws = wss[0], count = Math.max.apply(null, wss.map(function (x) { return x.length; }));
      for (var j = 0; j < count; j++) {
        // The same word by each analyser (tokenisers agree but on CJK runs and marks).
        var by2 = ans.map(function (an, a) { var x = wss[a][j]; return x !== undefined && an.keep(x) ? an.stem(x) : null; });
        var w = ws[j] !== undefined ? ws[j] : firstOf(by2) || '';
        // The prefix a completion extends is written as the primary analyser's terms are.
        var pw = ans[0].code === 'en' ? w : A.foldStem(w);
        // Completing 1-2 letters would match too much to be useful and costs shards.
        var isPrefix = allowPrefix && !neg && last && j === count - 1 && endsInWord && pw.length >= MIN_PREFIX;
        var t = firstOf(by2) || '';
        if (!t && !isPrefix) continue;
        if (neg) { by2.forEach(function (x) { if (x && q.excluded.indexOf(x) < 0) q.excluded.push(x); }); continue; }
        if (isPrefix) { q.terms.push(withAlts({term: by2[0] || '', word: pw, prefix: true}, by2)); continue; }
        if (!seen.has(t)) { seen.add(t); q.terms.push(withAlts({term: t, word: w, prefix: false}, by2)); }
      }
    }
    q.terms = q.terms.slice(0, MAX_TERMS);
    q.excluded = q.excluded.slice(0, MAX_TERMS);
    return q;
  }

  function firstOf(list) {
    for (var i = 0; i < list.length; i++) if (list[i]) return list[i];
    return null;
  }

  /* A query term with its other analysers' terms: alts (distinct, not the term) and by. */
  function withAlts(qt, by) {
    qt.by = by;
    qt.alts = [];
    by.forEach(function (x) { if (x && x !== qt.term && qt.alts.indexOf(x) < 0) qt.alts.push(x); });
    return qt;
  }

  // ------------------------------------------------------------ decoding (twins of encoding.py)
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

  /* Facet document lists: runs, see encoding.encode_runs. */
  function decodeRuns(s) {
    var out = [], i = 0, prev = -1, n = s.length;
    function num() {
      var v = 0, c;
      while ((c = CODE[s.charCodeAt(i++)]) >= 32) v = v * 32 + (c - 32);
      return v * 32 + c;
    }
    while (i < n) {
      var v = num();
      var start = prev + Math.floor(v / 2), end = start;
      if (v % 2) end = start + num();
      for (var d = start; d <= end; d++) out.push(d);
      prev = end;
    }
    return Int32Array.from(out);
  }

  /* A facet value's documents, see encoding.encode_docs: the first character says the code
   * ("0" runs, "1" a bitmap, 2 + k: gaps Rice-coded with parameter k), 6 bits a character. */
  function decodeDocs(s) {
    var mode = CODE[s.charCodeAt(0)];
    if (mode === 0) return decodeRuns(s.slice(1));
    var out = [], n = s.length, i, b, c;
    if (mode === 1) {
      for (i = 1; i < n; i++) {
        c = CODE[s.charCodeAt(i)];
        for (b = 5; b >= 0; b--) if ((c >> b) & 1) out.push((i - 1) * 6 + 5 - b);
      }
      return Int32Array.from(out);
    }
    var k = mode - 2, total = (n - 1) * 6, pos = 0, prev = -1;
    function bit(p) { return (CODE[s.charCodeAt(1 + ((p / 6) | 0))] >> (5 - p % 6)) & 1; }
    for (;;) {
      var q = 0;
      while (pos < total && !bit(pos)) { q++; pos++; }
      if (pos >= total) break;
      pos++;
      var r = 0;
      for (i = 0; i < k; i++) r = r * 2 + bit(pos++);
      prev += q * (1 << k) + r + 1;
      out.push(prev);
    }
    return Int32Array.from(out);
  }

  /* A facet value's display name when its file leaves it out (encoding.default_name). */
  function defaultName(key) {
    return key.split('-').map(function (w) { return w.charAt(0).toUpperCase() + w.slice(1); }).join(' ');
  }

  /* encoding.file_name: [a-z0-9] kept, other UTF-16 units as _hhhh. */
  function fileName(text) {
    var out = '';
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) out += text[i];
      else out += '_' + ('000' + c.toString(16)).slice(-4);
    }
    return out;
  }

  /* encoding.front_code undone: "oil Dse" -> ["oil", "oilse"] (A-Z: characters shared with the one before). */
  function frontDecode(s) {
    var out = [], prev = '';
    if (!s) return out;
    s.split(' ').forEach(function (w) {
      var c = w.charCodeAt(0);
      if (c >= 65 && c <= 90) w = prev.slice(0, c - 64) + w.slice(1);
      out.push(w);
      prev = w;
    });
    return out;
  }

  /* encoding.fnv1a: 32-bit FNV-1a over UTF-16 code units. */
  function fnv1a(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      h ^= c & 0xff; h = Math.imul(h, 0x01000193) >>> 0;
      h ^= c >>> 8; h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  /* util/folders.bucket: the top 10 bits of FNV-1a as two base-32 characters (1,024 folders). */
  var B32 = '0123456789abcdefghijklmnopqrstuv';
  function bucket(name) {
    var b = fnv1a(name) >>> 22;
    return B32.charAt(b >> 5) + B32.charAt(b & 31);
  }

  /* layout.path without "search/": the index file of a key, "d/12" -> "d/<bucket of 12>/12.js",
   * so no folder grows with the archive (a USB stick's FAT32 holds 65,534 entries a folder). */
  function filePath(key) {
    var slash = key.indexOf('/');
    if (slash < 0) return key + '.js';
    var name = key.slice(slash + 1);
    return key.slice(0, slash) + '/' + bucket(name) + '/' + name + '.js';
  }

  /* urls.article: an article's page, from its id (cards leave the usual address out). */
  function articleUrl(id) {
    return 'articles/' + bucket(id) + '/' + id + '.html';
  }

  // ------------------------------------------------------------ registry and loader
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
        s.src = base + 'search/' + filePath(key);
        s.async = true;
        s.onerror = function () { pending.delete(key); reject(new Error('cannot load ' + key)); };
        document.head.appendChild(s);
      });
      pending.set(key, p);
      return p;
    };
  }

  // ------------------------------------------------------------ ranking constants
  // A word's completions (top-bar box, last word) and its spelling variants count
  // less than the word itself, so an exact word always outranks its neighbours.
  var PREFIX_WEIGHT = 0.5;
  var SPELL_WEIGHT = [0.8, 0.6, 0.4];   // spelling alternatives, the likeliest first
  var MAX_PREFIX_SHARDS = 2;
  var MAX_EXPANSIONS = 30;
  var RARE = 2;                          // a word in this few documents also gets its spelling variants
  // Coordination: in a query of up to COORD_WORDS words, each more word a document
  // matches doubles its score (a request of a few words wants them all).  Longer
  // queries are descriptions, where it hurts: make eval nDCG@10 CISI 0.35 -> 0.30
  // and CRAN 0.35 -> 0.32 with even 1.2x per word on all queries.
  var COORD = 1.0;
  var COORD_WORDS = 4;
  // Contending documents whose blocks one round of rankTiered loads (in parallel).
  var BLOCKS_PER_ROUND = 4;
  // Phrase candidates whose text one round of rankPhrase checks at least (as many as results are missing).
  var CHECKS_PER_ROUND = 2;

  function combine(s, m, coord) { return m > 1 && coord ? s * Math.pow(1 + coord, m - 1) : s; }

  // ------------------------------------------------------------ engine
  function Engine(load) {
    this.load = load;            // key -> Promise of the data the file registered
    this.meta = null;
    this.postings = new Map();   // term -> posting entry (cache), see getPostings
    this.shardTerms = new Map(); // shard key -> Promise of {terms, posts, tiers}
    this.facetLists = new Map(); // facet key -> [{key, name, runs, docs}]
  }

  Engine.prototype.init = function () {
    var self = this;
    if (this.meta) return Promise.resolve(this.meta);
    if (this.initing) return this.initing;
    this.initing = this.load('meta').then(function (m) {
      if (typeof m.shards === 'string') m.shards = frontDecode(m.shards);
      return self.loadAnalysers(m).then(function () { self.meta = m; return m; });
    });
    return this.initing;
  };

  /* The analysers of meta.langs ([code, Snowball algorithm, runs of its documents]), their
   * stemmers loaded from search/s/ (base runtime first), and each document's analyser. */
  Engine.prototype.loadAnalysers = function (m) {
    var self = this, langs = m.langs || [];
    this.analysers = [A.analyser('en')];
    this.docLang = null;
    if (!langs.length) return Promise.resolve();
    var algos = langs.filter(function (l) { return l[1]; });
    var base = algos.length ? this.load('s/base') : Promise.resolve(null);
    return base.then(function () {
      return Promise.all(langs.map(function (l) { return l[1] ? self.load('s/' + l[1]) : null; }));
    }).then(function (classes) {
      self.analysers = langs.map(function (l, i) { return A.analyser(l[0], classes[i] ? new classes[i]() : null); });
      self.docLang = new Uint8Array(m.n);
      langs.forEach(function (l, i) { decodeRuns(l[2]).forEach(function (d) { self.docLang[d] = i; }); });
    });
  };

  /* The analyser of document n. */
  Engine.prototype.analyserOf = function (n) {
    return this.analysers[this.docLang ? this.docLang[n] : 0];
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

  Engine.prototype.loadShard = function (i) {
    var key = this.shardKey(i);
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
   * parts are the postings loaded so far: the head (a long list's highest
   * impacts) and any tail blocks; a document is in exactly one.  blocks are the
   * tail blocks in doc order, {key, start, max, done}: block j may hold
   * documents start_j .. start_(j+1) - 1 (the first from 0), none with an
   * impact above max.  open counts the blocks not loaded. */
  Engine.prototype.getPostings = function (term) {
    var self = this;
    if (this.postings.has(term)) return Promise.resolve(this.postings.get(term));
    return this.loadShard(this.shardOf(term)).then(function (s) {
      var i = s.terms.indexOf(term), e = null;
      if (i >= 0) {
        var head = decodePostings(s.posts[i]), t = s.tiers.get(i);
        e = {term: term, df: t ? t[0] : head.docs.length, parts: [head], blocks: [], open: 0};
        if (t) {
          // Block files are named by the term and their first document (layout.block_key).
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

  Engine.prototype.loadBlock = function (e, blk) {
    if (blk.done) return Promise.resolve(e);
    if (!blk.pending) {
      blk.pending = this.load(blk.key).then(function (s) {
        if (!blk.done) { e.parts.push(decodePostings(s)); blk.done = true; e.open--; }
        return e;
      });
    }
    return blk.pending;
  };

  /* Every remaining block of the entries (for exact sets: exclusions, phrases, exhaustive runs). */
  Engine.prototype.loadAllTiers = function (entries) {
    var self = this, loads = [];
    entries.forEach(function (e) {
      if (e) e.blocks.forEach(function (blk) { if (!blk.done) loads.push(self.loadBlock(e, blk)); });
    });
    return Promise.all(loads).then(function () { return entries; });
  };

  Engine.prototype.idf = function (df) {
    var n = this.meta.n;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };

  /* Terms starting with a folded word, the most frequent first; reads at most MAX_PREFIX_SHARDS shards. */
  Engine.prototype.completions = function (word) {
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
      found.sort(function (a, b) { return b.df - a.df || (a.term < b.term ? -1 : 1); });
      return found.slice(0, MAX_EXPANSIONS);
    });
  };

  /* Optimal string alignment distance (adjacent transpositions count 1), capped at max + 1. */
  function editDistance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (var k = 1; k <= b.length; k++) {
        var cost = a[i - 1] === b[k - 1] ? 0 : 1;
        var v = Math.min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + cost);
        if (prev2 && i > 1 && k > 1 && a[i - 1] === b[k - 2] && a[i - 2] === b[k - 1]) v = Math.min(v, prev2[k - 2] + 1);
        cur.push(v);
        if (v < low) low = v;
      }
      if (low > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }

  /* What to do with a misspelt or rare folded word (A.spellChoice, the twin of
   * spelling.py): the archive words in its three lexicon files (analysis.spell_keys)
   * ranked by frequency and typing closeness.  df: the typed word's documents when
   * the archive has it (0: unknown).  Resolves to {alternatives: [{word, term,
   * digit, cost, score}], replaced}. */
  Engine.prototype.spellings = function (word, df) {
    var self = this;
    if (!A.spellable(word) || !this.meta.lexicon) return Promise.resolve({alternatives: [], replaced: false});
    var keys = A.spellKeys(word).map(function (k) { return 'w/' + (fnv1a(k) % self.meta.lexicon).toString(36); });
    keys = keys.filter(function (k, i) { return keys.indexOf(k) === i; });
    // A hash bucket no archive word falls in has no file.
    var files = keys.map(function (k) { return Promise.resolve().then(function () { return self.load(k); }).catch(function () { return ''; }); });
    return Promise.all(files).then(function (files) {
      var entries = [], known = false;
      files.join(' ').split(' ').forEach(function (entry) {
        if (!entry) return;
        var w = entry.slice(0, -1);
        if (w === word) known = true;
        entries.push([w, +entry.slice(-1)]);
      });
      // A known stem whose typed form the lexicon lacks counts as known (its postings' count).
      if (!known && df) entries.push([word, Math.min(9, Math.floor(Math.log2(df)))]);
      var choice = A.spellChoice(word, entries);
      choice.alternatives.forEach(function (a) { a.term = stem(a.word); });
      return choice;
    });
  };

  /* One query word's group of posting entries: the word itself, its completions
   * (last word of the top-bar box) and, when the word is unknown or rare, its
   * spelling variants.  Each entry {term, p, factor}; a completion's idf is the
   * completions' together (a rare completion is no better than a common one). */
  Engine.prototype.expandWord = function (qt, spell) {
    var self = this;
    var exact = qt.term ? this.getPostings(qt.term) : Promise.resolve(null);
    var prefix = qt.prefix ? this.completions(qt.word) : Promise.resolve([]);
    var alts = Promise.all((qt.alts || []).map(function (t) { return self.getPostings(t); }));
    return Promise.all([exact, prefix, alts]).then(function (r) {
      var p = r[0], group = {entries: [], correction: null};
      if (p) group.entries.push({term: qt.term, p: p, factor: 1});
      r[2].forEach(function (ap, i) { if (ap) group.entries.push({term: qt.alts[i], p: ap, factor: 1}); });
      // The most documents any of the word's analyses is in: the word is rare only if all are.
      p = group.entries.reduce(function (b, e) { return !b || e.p.df > b.df ? e.p : b; }, null);
      var comps = r[1].filter(function (c) { return c.term !== qt.term; });
      var union = comps.reduce(function (a, c) { return a + c.df; }, 0);
      var extra = Promise.all(comps.map(function (c) {
        return self.getPostings(c.term).then(function (cp) {
          if (cp) group.entries.push({term: c.term, p: cp, factor: PREFIX_WEIGHT, df: Math.min(union, self.meta.n)});
        });
      }));
      var rare = !p || p.df <= RARE;
      if (qt.phrase || !rare || comps.length || spell === false) return extra.then(function () { return group; });
      return Promise.all([extra, self.spellings(qt.word, p ? p.df : 0)]).then(function (r2) {
        // Replaced: results are for the alternatives ("Showing results for").  Offered
        // for a known word: the alternatives join below it ("Did you mean").  Offered
        // for an unknown word (a far or the nearest word): the reader chooses.
        var choice = r2[1], alts = choice.alternatives;
        if (!alts.length) return group;
        group.correction = {word: qt.word, to: alts[0].word, replaced: choice.replaced};
        if (choice.replaced) group.entries = [];
        else if (!p) return group;
        return Promise.all(alts.map(function (a, i) {
          return self.getPostings(a.term).then(function (ap) {
            if (ap) group.entries.push({term: a.term, p: ap, factor: SPELL_WEIGHT[i]});
          });
        })).then(function () { return group; });
      });
    });
  };

  Engine.prototype.loadFacet = function (key) {
    var self = this;
    if (this.facetLists.has(key)) return Promise.resolve(this.facetLists.get(key));
    return this.load(key).then(function (rows) {
      var list = rows.map(function (r) { return {key: r[0], name: r.length > 2 ? r[2] : defaultName(r[0]), runs: r[1], docs: null}; });
      self.facetLists.set(key, list);
      return list;
    });
  };

  function facetDocs(v) {
    if (!v.docs) v.docs = decodeDocs(v.runs);
    return v.docs;
  }

  /* A document's card from its bundle (d/: consecutive documents, layout.card):
   * {id, u, t, d, s, m, e: [[name, type]], b: the lead of the body, more: the
   * body goes on, k: how many identical articles it stands for (duplicates.py)}.
   * withBody true also loads the rest (c/, bundled too). */
  Engine.prototype.loadDoc = function (n, withBody) {
    var self = this, meta = this.meta;
    return this.load('d/' + Math.floor(n / meta.bundle).toString(36)).then(function (cards) {
      var c = cards[n % meta.bundle];
      var doc = {n: n, id: c[0], t: c[1] || '', d: c[2] || '', b: c[3] || '', e: c[4] || [], s: c[5] || '',
        more: !!c[6], m: c[7] || '', u: c[8] || articleUrl(c[0]), k: c[9] || 1};
      doc.an = self.analyserOf(n);
      doc.langIndex = self.docLang ? self.docLang[n] : 0;
      if (self.docLang) doc.lang = doc.an.code;
      if (withBody !== true || !doc.more) return doc;
      return self.load('c/' + Math.floor(n / meta.rest).toString(36)).then(function (rests) {
        doc.b += rests[n % meta.rest];
        doc.more = false;
        return doc;
      });
    });
  };

  /* Whether a facet selection ({param: [values]}) restricts anything. */
  function anySelected(sel) {
    return Object.keys(sel || {}).some(function (k) { return sel[k] && sel[k].length; });
  }

  /* The facet groups, every one alike (meta.facets, browser_index._catalogue): entity
   * types and taxonomies (tags, sources, authors, a desk, ...), {label, file, size,
   * param, type}.  A value is selected as {param: [value]}; an entity type's values
   * share the "entity" parameter as "type:key", and {type: [type]} selects the
   * documents naming any of them. */
  Engine.prototype.facetGroups = function () {
    if (!this.groups) {
      this.groups = (this.meta.facets || []).map(function (f) {
        return {label: f[0], file: f[1], size: f[2], param: f[3], type: f[4] || ''};
      });
    }
    return this.groups;
  };

  function facetValue(g, key) { return g.type ? g.type + ':' + key : key; }

  /* The keys of a group's values the selection ticks. */
  function selectedKeys(g, sel) {
    var prefix = g.type ? g.type + ':' : '';
    return (sel[g.param] || []).filter(function (v) { return v.slice(0, prefix.length) === prefix; })
      .map(function (v) { return v.slice(prefix.length); });
  }

  function anyOf(g, sel) { return !!g.type && (sel.type || []).indexOf(g.type) >= 0; }

  /* Load the value lists the selection needs and those `want` names (true: all; or a list of files):
   * a group's list is loaded only when it is shown open or filters. */
  Engine.prototype.loadFacets = function (sel, want) {
    var self = this;
    var files = this.facetGroups().filter(function (g) {
      return want === true || (want && want.indexOf(g.file) >= 0) || selectedKeys(g, sel).length || anyOf(g, sel);
    }).map(function (g) { return g.file; });
    return Promise.all(files.map(function (k) { return self.loadFacet(k); }));
  };

  // ------------------------------------------------------------ dates
  // Documents are numbered in date order (undated first), and meta.years gives each
  // year's and month's first number: a date range is a range of numbers, and a date
  // order is the order of the numbers.  Neither needs a card.

  /* How many undated documents there are (numbers 0 .. undated - 1). */
  Engine.prototype.undated = function () {
    var y = this.meta.years[0];
    return y && y[0] === '' ? y[2] + 1 : 0;
  };

  /* [["YYYY-MM", first, last]] of the dated documents, in date order. */
  Engine.prototype.months = function () {
    if (this.monthRuns) return this.monthRuns;
    var out = [];
    this.meta.years.forEach(function (y) {
      var ms = y[3] || [];
      for (var i = 0; y[0] && i < ms.length; i += 2) {
        out.push([y[0] + '-' + ('0' + ms[i]).slice(-2), ms[i + 1], i + 2 < ms.length ? ms[i + 3] - 1 : y[2]]);
      }
    });
    this.monthRuns = out;
    return out;
  };

  /* "1987" or "1987-3" or "1987-03" as "1987-03" (a year alone: its first or last month). */
  function monthOf(text, whole) {
    var m = /^(\d{4})(?:-(\d{1,2}))?$/.exec(String(text || '').trim());
    return m ? m[1] + '-' + (m[2] ? ('0' + m[2]).slice(-2) : whole) : '';
  }

  /* The documents of a date range {from, to} (each "YYYY" or "YYYY-MM", either may be
   * missing) as {lo, hi} (empty when lo > hi); null when the range restricts nothing.
   * Undated documents are in no range. */
  Engine.prototype.dateSpan = function (range) {
    var from = monthOf(range && range.from, '01'), to = monthOf(range && range.to, '12');
    if (!from && !to) return null;
    var lo = Infinity, hi = -1;
    this.months().forEach(function (m) {
      if ((!from || m[0] >= from) && (!to || m[0] <= to)) { lo = Math.min(lo, m[1]); hi = Math.max(hi, m[2]); }
    });
    return lo === Infinity ? {lo: 0, hi: -1} : {lo: lo, hi: hi};
  };

  /* Search.  opts: {prefix, limit, facets: {entity:["type:id"], type:[], year:[], <param>:[key]},
   * withFacets (true: count every facet group; a list of files: those, besides the selected),
   * sort ('new' or 'old': by date, see rankByDate; else by relevance),
   * range ({from, to}: "YYYY" or "YYYY-MM", see dateSpan),
   * docs (false: no cards), fullBodies (cards with the whole body),
   * spell (false: no spelling variants), rerank (false: no closeness re-ordering),
   * maxBlocks (tail blocks it may load before settling for the best known order:
   * for measuring what pruning costs; the UI always proves its order),
   * onProgress (called at most once, proven false, with the results already sure to
   * be in the top `limit` while proving its order needs more; the promise resolves to it),
   * exhaustive (load every tail block: the reference the pruning is tested
   * against), isStale}.  Resolves to {total, approx, hits: [{n, score, doc}],
   * facets, facetsApprox, countOver, query, corrections}: hits are the exhaustive top
   * `limit` in order; total is an estimate (approx) unless every block was needed;
   * countOver, the documents facet counts are over (groupCounts counts one more group). */
  Engine.prototype.search = function (text, opts) {
    var self = this;
    opts = opts || {};
    var limit = opts.limit === undefined ? 10 : opts.limit;
    var sel = opts.facets || {};
    var q;
    return this.init().then(function () {
      q = parseQuery(text, !!opts.prefix, self.analysers);
      var groups = Promise.all(q.terms.map(function (t) { return self.expandWord(t, opts.spell); }));
      // Exclusions must be exact: every block of an excluded word.
      var excl = Promise.all(q.excluded.map(function (t) { return self.getPostings(t); }))
        .then(function (es) { return self.loadAllTiers(es); });
      var span = self.dateSpan(opts.range);
      var facetLoads = opts.withFacets || anySelected(sel) ? self.loadFacets(sel, opts.withFacets) : Promise.resolve(null);
      return Promise.all([groups, excl, facetLoads]).then(function (r) {
        var gs = r[0];
        q.corrections = gs.map(function (g) { return g.correction; }).filter(Boolean);
        // Blocks load only while the top is unproven (phrases too: rankPhrase).
        var entries = [];
        gs.forEach(function (g) { g.entries.forEach(function (e) { entries.push(e.p); }); });
        var ctx = {q: q, groups: gs, excluded: r[1], sel: sel, span: span, limit: limit, N: self.meta.n, opts: opts,
          browse: !String(text || '').trim(), sort: opts.sort === 'new' || opts.sort === 'old' ? opts.sort : ''};
        // A date order with phrases checks its candidates in date order: it needs every match.
        var ready = opts.exhaustive || (q.phrases.length && ctx.sort) ? self.loadAllTiers(entries) : Promise.resolve();
        return ready.then(function () {
          return ctx.sort ? self.rankByDate(ctx) : q.phrases.length ? self.rankPhrase(ctx) : self.rankTiered(ctx);
        });
      });
    });
  };

  /* Rank with the blocks loaded so far; while the top `limit` is not proven
   * exact, load the blocks that could lift its contenders most, and retry. */
  Engine.prototype.rankTiered = function (ctx) {
    var self = this;
    var r = this.rank(ctx);
    // opts.maxBlocks caps the tail blocks a query may load (make eval measures what
    // such a cap would cost); past it the best known order is returned (result.proven
    // false).  The cap needs at least `limit` known matches: with fewer, every match is needed.
    var left = ctx.opts.maxBlocks === undefined ? Infinity : ctx.opts.maxBlocks - (ctx.blocks || 0);
    var capped = left <= 0 && r.docs.length >= ctx.limit;
    if (r.proven || capped || (ctx.opts.isStale && ctx.opts.isStale())) {
      // The final result never overtakes the provisional one it replaces.
      var shown = ctx.provisional || Promise.resolve();
      return shown.then(function () { return self.finishRank(ctx, r); });
    }
    // The order is not proven yet: a reader sees at once the results already known to
    // be in the top `limit`, in their best known order (result.proven false), and the
    // exact order when the blocks below arrive.
    if (r.sure && r.sure.length) this.showProvisional(ctx, Object.assign({}, r, {docs: r.sure}));
    if (r.need.length > left && r.docs.length >= ctx.limit) r.need = r.need.slice(0, left);
    ctx.blocks = (ctx.blocks || 0) + r.need.length;
    var loads = r.need.length ? r.need.map(function (x) { return self.loadBlock(x.e, x.blk); })
      : [this.loadAllTiers(ctx.groups.reduce(function (a, g) { return a.concat(g.entries.map(function (x) { return x.p; })); }, []))];
    return Promise.all(loads).then(function () { return self.rankTiered(ctx); });
  };

  /* Relevance order with quoted phrases: the exact top k is the first k documents, by
   * exhaustive score, whose text holds every phrase (checkPhrases).  Each round ranks
   * what is loaded.  A document is possible unless excluded, its text checked without
   * the phrase, or a phrase word known absent (a word with no unloaded block is absent
   * from every document it does not list: the rarest word bounds the candidates).  The
   * top k is proven when k checked documents, scored exactly, are above every other
   * possible document's upper bound; until then the best contenders whose phrase words
   * are known present are checked, and the blocks that could lift the others most are
   * loaded, as rank does: no block for a document that cannot reach the top. */
  Engine.prototype.rankPhrase = function (ctx) {
    var self = this, N = ctx.N, k = ctx.limit, opts = ctx.opts;
    var verdict = ctx.verdict || (ctx.verdict = new Int8Array(N));  // 1: phrases found in the text, -1: not
    var sc = this.scoreWords(ctx), adm = this.admissible(ctx);
    var words = ctx.groups.filter(function (g) { return g.entries.length; }).length;
    var coord = words <= COORD_WORDS ? COORD : 0;
    var known = new Float64Array(N), upper = sc.up ? new Float64Array(N) : known;
    var list = [];
    for (var d = 0; d < N; d++) {
      if (!(sc.mayMatch ? sc.mayMatch[d] : sc.matched[d]) || !adm.ok(d)) continue;
      if (sc.matched[d]) known[d] = combine(sc.sum[d], sc.matched[d], coord);
      if (sc.up) upper[d] = combine(sc.up[d], sc.mayMatch[d], coord);
      list.push(d);
    }
    list.sort(function (a, b) { return known[b] - known[a] || b - a; });
    var exact = function (x) { return !(upper[x] > known[x]); };
    var member = function (x) { return verdict[x] === 1 && adm.certain(x); };
    var top = [], found = [], inTop = new Uint8Array(N), unchecked = 0, checked = 0, hits = 0;
    list.forEach(function (x) {
      if (member(x)) {
        found.push(x);
        if (exact(x) && top.length < k) { top.push(x); inTop[x] = 1; }
      } else if (adm.certain(x)) unchecked++;
    });
    for (var c = 0; c < N; c++) if (verdict[c]) { checked++; if (verdict[c] > 0) hits++; }
    // Below the k-th result: a lower bound, or an equal one that is older (equal scores: the newer first).
    var below = function (x, bound, last) { return upper[x] < bound || (upper[x] === bound && x < last); };
    var kth = top.length === k ? known[top[k - 1]] : -Infinity, last = top.length === k ? top[k - 1] : N;
    var cands = list.filter(function (x) { return !inTop[x] && !(member(x) && exact(x)) && !below(x, kth, last); });
    var left = opts.maxBlocks === undefined ? Infinity : opts.maxBlocks - (ctx.blocks || 0);
    var stale = opts.isStale && opts.isStale();
    var need = [], check = [];
    if (cands.length && !stale) {
      cands.sort(function (a, b) { return upper[b] - upper[a] || b - a; });
      var want = Math.max(CHECKS_PER_ROUND, k - top.length), lift = [];
      cands.forEach(function (x) {
        if (adm.certain(x) && !verdict[x] && check.length < want) check.push(x);
      });
      // While texts are checked the k-th score is unknown: blocks are loaded only for contenders above a
      // guess, the k-th exact score of the documents that may pass (lowered next round if checks fail).
      var guess = -Infinity, guessLast = N, seen = 0;
      if (check.length) {
        for (var g = 0; g < list.length && seen < k; g++) {
          var y = list[g];
          if (adm.certain(y) && exact(y) && verdict[y] >= 0 && ++seen === k) { guess = known[y]; guessLast = y; }
        }
      }
      cands.forEach(function (x) {
        if ((!adm.certain(x) || !exact(x)) && !below(x, guess, guessLast)) lift.push(x);
      });
      need = left > 0 ? blocksToLoad(lift, upper, sc.open).slice(0, left) : [];
    }
    if (!need.length && !check.length) {
      // Proven, or nothing left to load (a cap on blocks): the documents checked, in the best known order.
      var r = {docs: cands.length ? found.slice(0, k) : top, scores: known, proven: !cands.length, checked: true,
        complete: found.length === list.length, positive: sc.positive, allow: adm.allow,
        countOver: list.filter(function (x) { return adm.certain(x) && verdict[x] >= 0; })};
      r.estimate = found.length + Math.round(unchecked * (checked ? hits / checked : 1));
      var shown = ctx.provisional || Promise.resolve();
      return shown.then(function () { return self.finishRank(ctx, r); });
    }
    if (opts.onProgress && !ctx.provisional && found.length) {
      // The documents checked so far that are in the top k whatever is still unknown (their cards are loaded).
      var onList = new Uint8Array(N);
      list.forEach(function (x) { onList[x] = 1; });
      var sure = surelyTop(found.slice(0, k), k, known, function (x) { return onList[x] ? upper[x] : 0; },
        function () { return true; }, N);
      if (sure.length) {
        this.showProvisional(ctx, {docs: sure, scores: known, checked: true, complete: false,
          estimate: found.length + unchecked, positive: sc.positive, allow: adm.allow, countOver: found});
      }
    }
    ctx.blocks = (ctx.blocks || 0) + need.length;
    var loads = need.map(function (x) { return self.loadBlock(x.e, x.blk); })
      .concat(check.map(function (x) { return self.checkPhrases(ctx, x); }));
    return Promise.all(loads).then(function () { return self.rankPhrase(ctx); });
  };

  /* Whether document d's text holds every phrase of the query: its card (title, summary,
   * names, lead) settles most; the rest of a long body (c/, 16 a file) is read only when
   * the card does not.  Sets ctx.verdict[d] to 1 or -1. */
  Engine.prototype.checkPhrases = function (ctx, d) {
    var self = this, q = ctx.q;
    return this.loadDoc(d, 'lead').then(function (doc) {
      return !doc.more || phrasesMatch(doc, phrasesOf(q, doc)) ? doc : self.loadDoc(d, true);
    }).then(function (doc) { ctx.verdict[d] = phrasesMatch(doc, phrasesOf(q, doc)) ? 1 : -1; });
  };

  /* Date order (ctx.sort 'new' or 'old'): the documents matching every query word
   * (or, with none, every one the filters allow), newest or oldest first, then the
   * undated (in id order: they have no place in a date order, so they follow it).
   * Every word is required: a date order has no scores to put the documents with
   * more of the words first.  The order is the documents' numbers, so no card is
   * read to sort; the walk stops once `limit` matches are proven.  A document's
   * membership is known where each word's postings for it are loaded (the head) or
   * the tail block covering it is (blocks are cut in document order), so a common
   * word costs the blocks of the newest (or oldest) stretch only. */
  Engine.prototype.rankByDate = function (ctx) {
    var self = this, N = ctx.N, limit = ctx.limit, newest = ctx.sort === 'new';
    var groups = ctx.groups.filter(function (g) { return g.entries.length; });
    var adm = this.admissible(ctx);
    var has = groups.map(function (g) {
      var m = new Uint8Array(N);
      g.entries.forEach(function (x) {
        x.p.parts.forEach(function (part) { for (var i = 0; i < part.docs.length; i++) m[part.docs[i]] = 1; });
      });
      return m;
    });
    var und = this.undated(), dated = N - und;
    var docs = [], need = [], picked = new Set(), open = -1, seen = 0, admitted = 0, p;
    var any = groups.length > 0 || adm.allow !== null;  // nothing asked: nothing listed, as in relevance order
    for (p = 0; any && p < N; p++) {
      var d = p < dated ? (newest ? N - 1 - p : und + p) : p - dated;
      if (!adm.ok(d)) continue;
      admitted++;
      var no = false, blocks = [];
      for (var j = 0; j < groups.length && !no; j++) {
        if (has[j][d]) continue;
        var unknown = [];
        groups[j].entries.forEach(function (x) {
          if (!x.p.open) return;
          var blk = blockOf(x.p, d);
          if (!blk.done) unknown.push({e: x.p, blk: blk});
        });
        if (unknown.length) blocks = blocks.concat(unknown); else no = true;
      }
      if (no) continue;
      if (!blocks.length) { if (open < 0) docs.push(d); continue; }
      if (open < 0) {
        open = p;
        seen = admitted - 1;  // the admitted documents before this one are decided
        if (docs.length >= limit) break;
      }
      blocks.forEach(function (b) {
        if (!picked.has(b.blk.key) && need.length < BLOCKS_PER_ROUND) { picked.add(b.blk.key); need.push(b); }
      });
      if (need.length >= BLOCKS_PER_ROUND) break;
    }
    var stale = ctx.opts.isStale && ctx.opts.isStale();  // a newer keystroke replaced this search: stop loading
    if (open >= 0 && docs.length < limit && !stale) {
      return Promise.all(need.map(function (b) { return self.loadBlock(b.e, b.blk); }))
        .then(function () { return self.rankByDate(ctx); });
    }
    var r = {docs: docs, scores: new Float64Array(N), proven: true, complete: open < 0, estimate: docs.length,
      positive: groups.length > 0, allow: adm.allow};
    if (!r.complete) {
      // Matches were proven over `seen` of the admitted documents: the rest is estimated at that rate.
      var total = 0;
      for (var d2 = 0; d2 < N; d2++) if (adm.ok(d2)) total++;
      r.estimate = Math.max(docs.length, Math.round(docs.length * total / Math.max(seen, 1)));
    }
    return this.finishRank(ctx, r);
  };

  /* Documents allowed by the facet selection and the date span (null = no restriction).
   * Every ticked value must hold (each one narrows the results, so the count beside a
   * value is what ticking it gives), in every group alike; years are alternatives. */
  Engine.prototype.facetFilter = function (sel, N, span) {
    var self = this, allow = null, groups = this.facetGroups();
    function intersect(mask) {
      if (allow === null) { allow = mask; return; }
      for (var i = 0; i < N; i++) allow[i] &= mask[i];
    }
    function unionOf(lists) {
      var m = new Uint8Array(N);
      lists.forEach(function (docs) { for (var i = 0; i < docs.length; i++) m[docs[i]] = 1; });
      return m;
    }
    groups.forEach(function (g) {
      var list = self.facetLists.get(g.file) || [];
      selectedKeys(g, sel).forEach(function (k) {
        intersect(unionOf(list.filter(function (v) { return v.key === k; }).map(facetDocs)));
      });
      if (anyOf(g, sel)) intersect(unionOf(list.map(facetDocs)));
    });
    // An entity type no document names allows nothing.
    (sel.type || []).forEach(function (t) {
      if (!groups.some(function (g) { return g.type === t; })) intersect(new Uint8Array(N));
    });
    if ((sel.year || []).length) {
      var m = new Uint8Array(N);
      self.meta.years.forEach(function (y) {
        if (sel.year.indexOf(y[0] || 'undated') >= 0) for (var i = y[1]; i <= y[2]; i++) m[i] = 1;
      });
      intersect(m);
    }
    if (span) {
      var s = new Uint8Array(N);
      for (var i2 = span.lo; i2 <= span.hi; i2++) s[i2] = 1;
      intersect(s);
    }
    return allow;
  };

  // ------------------------------------------------------------ ranking, in parts
  //
  // A document's score is combine(S, m): S sums, over the query words, the best
  // of the word's entries (weight x impact: BM25F with idf from the posting
  // count), m counts the words it matches.  Both are known exactly for what is
  // loaded; for what is not, each unloaded block bounds what it could add.

  /* Per word: best[d] = the known contribution, slack[d] = the most the unloaded
   * blocks could give d (0 when all is loaded).  Sums group by group in query
   * order, so with everything loaded `known` is the exhaustive score to the bit. */
  Engine.prototype.scoreWords = function (ctx) {
    var self = this, N = ctx.N, k1 = this.meta.k1, levels = this.meta.levels;
    var sum = new Float64Array(N), up = null, matched = new Uint8Array(N), mayMatch = null;
    var open = [], missProb = 1, positive = false;
    ctx.groups.forEach(function (group) {
      if (!group.entries.length) return;
      positive = true;
      var best = new Float64Array(N), slack = null, df = 0;
      group.entries.forEach(function (x) {
        var p = x.p;
        var w = self.idf(x.df || p.df) * (k1 + 1) / levels * x.factor;
        df = Math.max(df, p.df);
        var has = p.open ? new Uint8Array(N) : null;
        p.parts.forEach(function (part) {
          for (var i = 0; i < part.docs.length; i++) {
            var d = part.docs[i], s = w * part.imp[i];
            if (has) has[d] = 1;
            if (s > best[d]) best[d] = s;
          }
        });
        if (!p.open) return;
        open.push({e: p, w: w, has: has});
        if (!slack) slack = new Float64Array(N);
        p.blocks.forEach(function (blk, j) {
          if (blk.done) return;
          var v = w * blk.max, end = j + 1 < p.blocks.length ? p.blocks[j + 1].start : N;
          for (var d = blk.start; d < end; d++) if (!has[d] && v > slack[d]) slack[d] = v;
        });
      });
      if (!up && slack) { up = new Float64Array(sum); mayMatch = new Uint8Array(matched); }
      for (var d = 0; d < N; d++) {
        var b = best[d];
        if (b > 0) { sum[d] += b; matched[d]++; }
        if (up) {
          var s2 = slack && slack[d] > b ? slack[d] : b;
          if (s2 > 0) { up[d] += s2; mayMatch[d]++; }
        }
      }
      missProb *= 1 - Math.min(df, N) / Math.max(N, 1);
    });
    return {sum: sum, matched: matched, up: up, mayMatch: mayMatch, open: open, missProb: missProb, positive: positive};
  };

  /* Which documents may be results at all: phrase words all present, no
   * excluded word, inside the facet selection.  Returns {ok(d), certain(d),
   * required, allow}.  A phrase word's presence is unknown for a document in a
   * tail block not loaded yet: ok(d) allows it (rankPhrase loads the block when
   * the document could reach the top), certain(d) says every phrase word is
   * known present.  With every block loaded the two agree. */
  Engine.prototype.admissible = function (ctx) {
    var self = this, N = ctx.N, q = ctx.q, lang = this.docLang;
    // The phrase words a document must hold, as its own analyser reads them (one list per analyser).
    var reqBy = this.analysers.map(function (_an, a) {
      var req = [];
      (q.phraseAlts ? q.phraseAlts.map(function (phs) { return phs[a]; }) : q.phrases).forEach(function (ph) {
        ph.forEach(function (t) { if (req.indexOf(t) < 0) req.push(t); });
      });
      return req;
    });
    var required = reqBy[0];
    var present = null, maybe = null;
    if (reqBy.some(function (r) { return r.length; })) {
      present = new Uint8Array(N);
      reqBy.forEach(function (req, a) {
        req.forEach(function (t) {
          var p = self.postings.get(t);
          if (!p) return;
          var has = p.open ? new Uint8Array(N) : null;
          p.parts.forEach(function (part) {
            for (var i = 0; i < part.docs.length; i++) {
              var d = part.docs[i];
              if (has) has[d] = 1;
              if (!lang || lang[d] === a) present[d]++;
            }
          });
          if (!has) return;
          if (!maybe) maybe = new Uint8Array(N);
          p.blocks.forEach(function (blk, j) {
            if (blk.done) return;
            var end = j + 1 < p.blocks.length ? p.blocks[j + 1].start : N;
            for (var d = blk.start; d < end; d++) if (!has[d] && (!lang || lang[d] === a)) maybe[d]++;
          });
        });
      });
    }
    var need = function (d) { return reqBy[lang ? lang[d] : 0].length; };
    var ex = new Uint8Array(N);
    ctx.excluded.forEach(function (p) {
      if (p) p.parts.forEach(function (part) { for (var i = 0; i < part.docs.length; i++) ex[part.docs[i]] = 1; });
    });
    var allow = anySelected(ctx.sel) || ctx.span ? this.facetFilter(ctx.sel, N, ctx.span) : null;
    var refuted = ctx.verdict || null;  // phrases checked on a document's text: -1 not there (rankPhrase)
    return {
      required: required, allow: allow,
      ok: function (d) {
        return !ex[d] && (allow === null || allow[d]) && (!refuted || refuted[d] >= 0) &&
          (!present || present[d] + (maybe ? maybe[d] : 0) >= need(d));
      },
      certain: function (d) { return !present || present[d] >= need(d); }
    };
  };

  /* The known matches, best first (equal scores: the newer first); with no query
   * words but a facet selection, every allowed document, newest first. */
  function orderMatches(sc, adm, known, N, positive) {
    var docs = [];
    if (positive || adm.required.length) {
      for (var d = 0; d < N; d++) if (sc.matched[d] && adm.ok(d)) docs.push(d);
      docs.sort(function (a, b) { return known[b] - known[a] || b - a; });
    } else if (adm.allow !== null) {
      for (var d2 = N - 1; d2 >= 0; d2--) if (adm.ok(d2)) docs.push(d2);
    }
    return docs;
  }

  /* Whether the first k known matches are the exhaustive top k in order, whatever
   * the unloaded blocks hold; returns the documents that could still change it. */
  function contenders(docs, k, known, upper, unsure, adm, hit, N) {
    var out = [], unsureTop = [], minUnsure = Infinity, broken = false;
    var kth = k ? known[docs[k - 1]] : 0;
    // 1. inside the top k: an unsure document must stay below everything above it,
    //    and everything below it strictly below its known score.
    for (var j = 0; j < k; j++) {
      var dj = docs[j];
      if (unsure[dj]) {
        unsureTop.push(dj);
        if (j > 0 && !(known[docs[j - 1]] > upper[dj])) out.push(dj);
        minUnsure = Math.min(minUnsure, known[dj]);
      } else if (!(minUnsure > known[dj])) broken = true;
    }
    // 2. no other document, known match or not, can climb into the top k.
    var inTop = new Uint8Array(N);
    for (var j1 = 0; j1 < k; j1++) inTop[docs[j1]] = 1;
    for (var d = 0; d < N; d++) {
      if (inTop[d] || !adm.ok(d)) continue;
      if (unsure[d]) { if (!(upper[d] < kth)) out.push(d); }
      else if (hit[d] && !(known[d] < minUnsure)) broken = true;
    }
    return broken ? out.concat(unsureTop) : out;
  }

  /* The documents of `docs` (known scores) that are in the exhaustive top k whatever the
   * unloaded blocks hold: fewer than k others (admissible, best bound `high`) may score as
   * high.  Shown before the order is proven, they stay among the results. */
  function surelyTop(docs, k, known, high, ok, N) {
    var his = [];
    for (var x = 0; x < N; x++) { var h = high(x); if (h > 0 && ok(x)) his.push(h); }
    his.sort(function (a, b) { return b - a; });
    return docs.filter(function (d) {
      // others whose bound reaches known[d] (ties count: conservative), d itself not counted
      var lo = 0, hi = his.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (his[mid] >= known[d]) lo = mid + 1; else hi = mid; }
      return lo - 1 < k;
    });
  }

  /* Show the provisional result r (its docs known to be in the top `limit`) at once,
   * marked unproven (opts.onProgress), once per search. */
  Engine.prototype.showProvisional = function (ctx, r) {
    var opts = ctx.opts;
    if (!opts.onProgress || ctx.provisional) return;
    var progress = opts.onProgress;
    r.proven = false;
    ctx.provisional = this.finishRank(ctx, r).then(function (res) {
      if (!(opts.isStale && opts.isStale())) progress(res);
    }, function () { /* the final result reports the error */ });
  };

  /* For the strongest contenders, the unloaded block that could add most to each. */
  function blocksToLoad(cands, upper, open) {
    cands.sort(function (a, b) { return upper[b] - upper[a] || b - a; });
    var picked = new Set(), need = [];
    for (var c = 0; c < cands.length && need.length < BLOCKS_PER_ROUND; c++) {
      var dc = cands[c], best = null, bestV = 0;
      open.forEach(function (o) {
        if (o.has[dc]) return;
        var blk = blockOf(o.e, dc);
        if (!blk.done && o.w * blk.max > bestV) { bestV = o.w * blk.max; best = {e: o.e, blk: blk}; }
      });
      if (best && !picked.has(best.blk.key)) { picked.add(best.blk.key); need.push(best); }
    }
    return need;
  }

  /* Rank every document from what is loaded.  Returns {docs (known matches,
   * ranked), scores, proven, need (blocks to load), complete, estimate, ...}. */
  Engine.prototype.rank = function (ctx) {
    var N = ctx.N;
    var sc = this.scoreWords(ctx);
    var adm = this.admissible(ctx);
    var words = ctx.groups.filter(function (g) { return g.entries.length; }).length;
    var coord = words <= COORD_WORDS ? COORD : 0;
    var known = new Float64Array(N);
    for (var d = 0; d < N; d++) if (sc.matched[d]) known[d] = combine(sc.sum[d], sc.matched[d], coord);
    var docs = orderMatches(sc, adm, known, N, sc.positive);
    var out = {docs: docs, scores: known, proven: true, need: [], complete: !sc.open.length,
      estimate: docs.length, positive: sc.positive, allow: adm.allow};
    if (!sc.open.length) return out;
    out.estimate = Math.max(docs.length, Math.round(N * (1 - sc.missProb)));
    var upper = new Float64Array(N), unsure = new Uint8Array(N);
    for (var d2 = 0; d2 < N; d2++) {
      if (!sc.mayMatch[d2]) continue;
      upper[d2] = combine(sc.up[d2], sc.mayMatch[d2], coord);
      if (upper[d2] > known[d2]) unsure[d2] = 1;
    }
    var k = Math.min(ctx.limit, docs.length);
    var sure = function () {
      if (!ctx.opts.onProgress || ctx.provisional) return [];
      return surelyTop(docs.slice(0, k), ctx.limit, known, function (d) { return upper[d] > known[d] ? upper[d] : known[d]; },
        adm.ok, N);
    };
    // Fewer known matches than asked for: every match is needed, so every block.
    if (k < ctx.limit) { out.proven = false; out.sure = sure(); return out; }
    var cands = contenders(docs, k, known, upper, unsure, adm, sc.matched, N);
    if (!cands.length) return out;
    out.proven = false;
    out.need = blocksToLoad(cands, upper, sc.open);
    out.sure = sure();
    return out;
  };

  // ------------------------------------------------------------ finishing a result
  var RERANK = 10;  // results re-ordered together by closeness of the query words (one page)

  /* Turn a proven ranking into the result: phrase checks, totals, facet counts, cards. */
  Engine.prototype.finishRank = function (ctx, r) {
    var self = this, q = ctx.q, opts = ctx.opts, N = ctx.N, limit = ctx.limit;
    var docs = r.docs, scores = r.scores;
    // Counts describe the whole archive only when nothing was asked (the browse entry point).
    var countOver = r.countOver || docs;
    if (ctx.browse && r.allow === null) { countOver = []; for (var d = 0; d < N; d++) countOver.push(d); }
    var result = {total: r.complete ? docs.length : r.estimate, approx: !r.complete, proven: r.proven, hits: [], facets: null,
      facetsApprox: !r.complete && !ctx.browse, countOver: countOver, query: q, corrections: q.corrections || [],
      sort: ctx.sort};
    var take = function (list) { return list.map(function (d) { return {n: d, score: scores[d], doc: null}; }); };
    var finish = function (hits) {
      result.hits = hits;
      if (opts.withFacets) result.facets = self.facetCounts(countOver, N);
      // A newer keystroke already replaced this search: skip its cards.
      if (opts.docs === false || (opts.isStale && opts.isStale())) return result;
      return Promise.all(hits.map(function (h) {
        return self.loadDoc(h.n, opts.fullBodies ? true : 'lead').then(function (doc) { h.doc = doc; });
      })).then(function () {
        // Closeness re-orders a page of relevance only: a date order is the order of the dates.
        if (opts.rerank !== false && !ctx.sort) result.hits = rerank(hits, q);
        return result;
      });
    };
    if (!q.phrases.length || r.checked) return finish(take(docs.slice(0, limit)));
    // A date order: the candidates' texts are checked in that order, in small batches.
    var verdict = ctx.verdict || (ctx.verdict = new Int8Array(N)), out = [], pos = 0;
    var step = function () {
      if (out.length >= limit || pos >= docs.length) {
        if (pos < docs.length) { result.total = out.length + (docs.length - pos); result.approx = true; }
        else result.total = out.length;
        return finish(take(out.slice(0, limit)));
      }
      var batch = docs.slice(pos, pos + Math.max(10, limit - out.length));
      pos += batch.length;
      return Promise.all(batch.map(function (d2) { return self.checkPhrases(ctx, d2); })).then(function () {
        batch.forEach(function (d2) { if (verdict[d2] > 0) out.push(d2); });
        return step();
      });
    };
    return step();
  };

  function docFields(doc) {
    return [doc.t || '', doc.m || '', (doc.e || []).map(function (e) { return e[0]; }).join(' '), doc.b || ''];
  }

  function contains(seq, ph) {
    outer: for (var i = 0; i + ph.length <= seq.length; i++) {
      for (var j = 0; j < ph.length; j++) if (seq[i + j] !== ph[j]) continue outer;
      return true;
    }
    return false;
  }

  /* The query's phrases as the document's analyser reads them. */
  function phrasesOf(q, doc) {
    if (!q.phraseAlts || !doc.an) return q.phrases;
    return q.phraseAlts.map(function (phs) { return phs[doc.langIndex]; });
  }

  function phrasesMatch(doc, phrases) {
    var an = doc.an || A.analyser('en');
    var seqs = docFields(doc).map(an.analyze);
    return phrases.every(function (ph) { return seqs.some(function (seq) { return contains(seq, ph); }); });
  }

  /* Closeness of the query words in a result (needs its card): adjacent pairs of
   * query words in the title or lead, and an entity named by the query words. */
  function closeness(doc, q) {
    var terms = termsOf(q, doc);
    if (terms.length < 2) return 0;
    var an = doc.an || A.analyser('en');
    var title = an.analyze(doc.t || ''), lead = an.analyze(doc.b || '');
    var bonus = 0;
    for (var i = 0; i + 1 < terms.length; i++) {
      var pair = [terms[i], terms[i + 1]];
      if (contains(title, pair)) bonus += 0.25;
      else if (contains(lead, pair)) bonus += 0.15;
    }
    (doc.e || []).forEach(function (e) {
      var name = an.analyze(e[0]);
      if (name.length > 1 && name.every(function (t) { return terms.indexOf(t) >= 0; })) bonus += 0.3;
    });
    return bonus;
  }

  /* The query's terms as a document's analyser reads them. */
  function termsOf(q, doc) {
    var a = doc.langIndex || 0;
    return q.terms.map(function (t) { return t.by ? t.by[a] : t.term; }).filter(Boolean);
  }

  /* Re-order each page of RERANK results by closeness: a result moves up one place
   * per MOVE of closeness.  Only the proven order is used (not the scores, of
   * which a pruned run may know just a part), so pruned and exhaustive runs agree. */
  var MOVE = 0.2;
  function rerank(hits, q) {
    if (q.terms.filter(function (t) { return t.term; }).length < 2) return hits;
    var out = [];
    for (var i = 0; i < hits.length; i += RERANK) {
      var page = hits.slice(i, i + RERANK).map(function (h, r) {
        return {h: h, r: r, key: r - closeness(h.doc || {}, q) / MOVE};
      });
      page.sort(function (a, b) { return a.key - b.key || a.r - b.r; });
      page.forEach(function (x) { out.push(x.h); });
    }
    return out;
  }

  /* Live counts over the result documents: per loaded group (or those of `files`), its
   * values [value, name, count], most first, and for an entity type how many name any;
   * years [year, count], newest first. */
  Engine.prototype.facetCounts = function (docs, N, files) {
    var self = this, inRes = new Uint8Array(N);
    docs.forEach(function (d) { inRes[d] = 1; });
    var out = {groups: {}, years: []};
    this.facetGroups().forEach(function (g) {
      var list = self.facetLists.get(g.file);
      if (!list || (files && files.indexOf(g.file) < 0)) return;
      var any = new Uint8Array(N), vals = [], tc = 0;
      list.forEach(function (v) {
        var ds = facetDocs(v), c = 0;
        for (var i = 0; i < ds.length; i++) if (inRes[ds[i]]) { c++; any[ds[i]] = 1; }
        if (c) vals.push([facetValue(g, v.key), v.name, c]);
      });
      vals.sort(function (a, b) { return b[2] - a[2] || (a[1] < b[1] ? -1 : 1); });
      for (var i = 0; i < N; i++) tc += any[i];
      out.groups[g.file] = {values: vals, any: tc};
    });
    this.meta.years.forEach(function (y) {
      var c = 0;
      for (var i = y[1]; i <= y[2]; i++) c += inRes[i];
      var name = y[0] || 'undated';
      var prev = out.years.filter(function (x) { return x[0] === name; })[0];
      if (prev) prev[1] += c; else out.years.push([name, c]);
    });
    out.years = out.years.filter(function (y) { return y[1] > 0; }).reverse();
    return out;
  };

  /* One group's counts over a result's documents, its list loaded first: a group the
   * reader opens after the search (lists are loaded only for groups shown open). */
  Engine.prototype.groupCounts = function (res, file) {
    var self = this;
    return this.loadFacet(file).then(function () {
      return self.facetCounts(res.countOver || [], self.meta.n, [file]).groups[file];
    });
  };

  // ------------------------------------------------------------ snippets
  var TEXT_WORD = /\p{L}(?:\.\p{L})+(?![\p{L}\p{N}])|[\p{L}\p{N}\p{M}]+(?:['\u2019][\p{L}\p{N}\p{M}]+)*/gu;

  /* Matching predicate for highlighting: exact stems, spelling variants, the prefix word. */
  function matcher(q, an) {
    an = an || A.analyser('en');
    var terms = new Set(), prefixes = [];
    q.terms.forEach(function (t) {
      if (t.term) terms.add(t.term);
      (t.alts || []).forEach(function (x) { terms.add(x); });
      if (t.prefix) prefixes.push(t.word);
    });
    (q.corrections || []).forEach(function (c) { terms.add(stem(c.to)); });
    return function (word) {
      var ws = an.words(word);
      for (var i = 0; i < ws.length; i++) {
        if (an.keep(ws[i]) && terms.has(an.stem(ws[i]))) return true;
        for (var j = 0; j < prefixes.length; j++) if (ws[i].startsWith(prefixes[j])) return true;
      }
      return false;
    };
  }

  /* Split text into [{text, hit}] parts, marking query words. */
  function highlight(text, q, an) {
    var isHit = matcher(q, an), parts = [], last = 0, m;
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
    var isHit = matcher(q, doc.an), toks = [], m;
    TEXT_WORD.lastIndex = 0;
    while ((m = TEXT_WORD.exec(text)) !== null) {
      toks.push({s: m.index, e: m.index + m[0].length, hit: isHit(m[0]), w: m[0]});
      if (toks.length > 20000) break;
    }
    if (!toks.length) return [{text: text.slice(0, 200), hit: false}];
    var bestStart = 0, bestScore = -1, count = 0, distinct = new Map();
    function add(t, dlt) {
      if (!t.hit) return;
      count += dlt;
      var an = doc.an || A.analyser('en');
      var k = an.stem(an.words(t.w)[0] || '');
      distinct.set(k, (distinct.get(k) || 0) + dlt);
      if (!distinct.get(k)) distinct.delete(k);
    }
    for (var i = 0; i < toks.length; i++) {
      add(toks[i], 1);
      if (i >= width) add(toks[i - width], -1);
      var score = distinct.size * 100 + count;
      if (score > bestScore) { bestScore = score; bestStart = Math.max(0, i - width + 1); }
    }
    // A few words of context before the first hit, without losing the window's last hit.
    var stop = Math.min(toks.length, bestStart + width), firstHit = -1, lastHit = -1;
    for (var k = bestStart; k < stop; k++) if (toks[k].hit) { if (firstHit < 0) firstHit = k; lastHit = k; }
    var start = firstHit < 0 ? 0 : Math.max(0, firstHit - 4);
    if (lastHit >= start + width) start = lastHit - width + 1;
    var end = Math.min(toks.length - 1, start + width - 1);
    var s = toks[start].s, e = toks[end].e;
    var parts = highlight(text.slice(s, e), q, doc.an);
    if (s > 0) parts.unshift({text: '\u2026 ', hit: false});
    if (e < text.length || doc.more) parts.push({text: ' \u2026', hit: false});
    return parts;
  }

  A.parseQuery = parseQuery; A.decodePostings = decodePostings; A.decodeRuns = decodeRuns; A.decodeDocs = decodeDocs; A.defaultName = defaultName;
  A.fileName = fileName; A.fnv1a = fnv1a; A.bucket = bucket; A.filePath = filePath; A.articleUrl = articleUrl; A.frontDecode = frontDecode; A.editDistance = editDistance; A.Engine = Engine;
  A.scriptLoader = scriptLoader; A.registry = registry; A.highlight = highlight; A.snippet = snippet;
  A.anySelected = anySelected; A.monthOf = monthOf;
  if (typeof module === 'object' && module.exports) module.exports = A;
})(typeof window !== 'undefined' ? window : globalThis);
