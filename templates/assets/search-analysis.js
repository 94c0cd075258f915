/* Archive search, part 1 of 3: text analysis, the twin of generator/search/analysis.py.
 *
 * The browser must turn a query into the same terms the indexer stored, so
 * every function here mirrors analysis.py line by line, and
 * tests/fixtures/search_vectors.json holds the cases both must agree on
 * (checked by pytest and node --test).  The stemmer is also checked against
 * Porter's published vocabulary and output (tests/fixtures/search_porter.tsv).
 *
 * A classic script (no modules: they do not load from file://).  It defines
 * window.ArchiveSearch; search-engine.js and search-ui.js add to it.
 */
(function (global) {
  'use strict';
  var A = global.ArchiveSearch = global.ArchiveSearch || {};

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
    var out = [], m, s = fold(text);
    WORD.lastIndex = 0;
    while ((m = WORD.exec(s)) !== null) {
      var tok = m[0];
      if (tok.indexOf('.') >= 0) tok = tok.split('.').join('');
      else if (tok.indexOf("'") >= 0) {
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
    var out = [], ws = words(text);
    for (var i = 0; i < ws.length; i++) if (keep(ws[i])) out.push(stem(ws[i]));
    return out;
  }

  // ------------------------------------------------------------ other languages (multilingual.py)
  // NFKC, lower-case, tokens with their marks (vowel signs stay), elided articles dropped,
  // Chinese and Japanese runs as bigrams, the language's Snowball stemmer, Latin/Greek/
  // Cyrillic accents of the stem folded.  No stop words.
  var M_WORD = /[\p{L}\p{Nl}\p{No}](?:\.[\p{L}\p{Nl}\p{No}])+(?![\p{L}\p{N}])|[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:'[\p{L}\p{M}\p{N}]+)*/gu;
  var ELISIONS = new Set(('l d j m n s t c qu jusqu lorsqu puisqu quoiqu presqu quelqu dell dall nell sull ' +
    'all coll gl un').split(' '));
  var CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
  var CJK_ANY = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var CJK_START = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var ACCENTS = /[\u0300-\u036f]/g;

  function splitCjk(tok, out) {
    var pos = 0, m;
    CJK_RUN.lastIndex = 0;
    while ((m = CJK_RUN.exec(tok)) !== null) {
      if (m.index > pos) out.push(tok.slice(pos, m.index));
      var run = m[0];
      if (run.length === 1) out.push(run);
      else for (var i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
      pos = m.index + run.length;
    }
    if (pos < tok.length) out.push(tok.slice(pos));
  }

  function multiTokens(text) {
    var out = [], m, s = text.normalize('NFKC').toLowerCase().replace(APOS, "'");
    M_WORD.lastIndex = 0;
    while ((m = M_WORD.exec(s)) !== null) {
      var tok = m[0];
      if (tok.indexOf('.') >= 0) tok = tok.split('.').join('');
      else if (tok.indexOf("'") >= 0) {
        var i = tok.indexOf("'"), head = tok.slice(0, i), rest = tok.slice(i + 1);
        tok = (ELISIONS.has(head) ? rest : head + rest).split("'").join('');
      }
      if (CJK_ANY.test(tok)) splitCjk(tok, out);
      else out.push(tok);
    }
    return out;
  }

  function multiKeep(t) {
    return (t.length >= MIN_TOKEN && t.length <= MAX_TOKEN) || (t.length === 1 && CJK_START.test(t));
  }

  function foldStem(s) {
    return ASCII.test(s) ? s : s.normalize('NFKD').replace(ACCENTS, '').normalize('NFC');
  }

  /* The analyser of a language code: {code, words, keep, stem, analyze}.  English is the
   * Porter pipeline above; another language stems with `stemmer` (a Snowball stemmer
   * instance, null for a language without one) after the shared tokeniser. */
  function analyser(code, stemmer) {
    if (code === 'en') return {code: 'en', words: words, keep: keep, stem: stem, analyze: analyze};
    var memo = new Map();
    function mstem(t) {
      var s = memo.get(t);
      if (s === undefined) {
        s = CJK_START.test(t) ? t : foldStem(stemmer ? stemmer.stemWord(t) : t);
        if (memo.size < 100000) memo.set(t, s);
      }
      return s;
    }
    return {
      code: code, words: multiTokens, keep: multiKeep, stem: mstem,
      analyze: function (text) {
        var out = [], ws = multiTokens(text);
        for (var i = 0; i < ws.length; i++) if (multiKeep(ws[i])) out.push(mstem(ws[i]));
        return out;
      }
    };
  }

  // ------------------------------------------------------------ spelling skeleton
  // analysis.skeleton: sound-alike spellings merged, doubled letters single.
  var SKELETON_RULES = [['ph', 'f'], ['ck', 'k'], ['c', 'k'], ['q', 'k'], ['kh', 'k'], ['dh', 'd'], ['gh', 'g'],
    ['th', 't'], ['oe', 'o'], ['ae', 'a'], ['ue', 'u'], ['ou', 'u'], ['oo', 'u'], ['ee', 'i'], ['ie', 'i'],
    ['y', 'i'], ['z', 's']];
  var SPELL_MIN = 4;
  function skeleton(w) {
    for (var i = 0; i < SKELETON_RULES.length; i++) {
      if (w.indexOf(SKELETON_RULES[i][0]) >= 0) w = w.split(SKELETON_RULES[i][0]).join(SKELETON_RULES[i][1]);
    }
    return w.replace(/(.)\1+/g, '$1');
  }
  function soundKey(w) {
    var sk = skeleton(w);
    return (sk.slice(0, 1) + sk.slice(1).replace(/[aeiouyhw]/g, '')).replace(/(.)\1+/g, '$1');
  }
  function spellKeys(w) {
    var sk = skeleton(w);
    return ['<' + sk.slice(0, 3), '>' + sk.slice(-3), '=' + soundKey(w)];
  }
  function spellable(w) {
    return w.length >= SPELL_MIN && /^[a-z]+$/.test(w);
  }

  // ------------------------------------------------------------ spelling choice
  // The twin of generator/search/spelling.py (reasons there): integer costs in
  // tenths of an edit, so both sides agree to the unit (tests/fixtures/search_vectors.json).
  var EDIT = 10, NEIGHBOUR = 5, VOWEL = 6, DOUBLE = 4, SWAP = 6, SAME_SKELETON = 5, SAME_SOUND = 4, SOUND_FLOOR = 2;
  var FREQ = 10, PER_EDIT = 3, CLOSE = 10, MAX_ALTERNATIVES = 3, OFFER = 3, APPLY = 6, SURE = 15;
  var VOWELS = 'aeiouy';
  var NEIGHBOURS = (function () {
    var rows = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'], pos = {}, out = {};
    rows.forEach(function (row, r) { for (var i = 0; i < row.length; i++) pos[row[i]] = [r, i]; });
    Object.keys(pos).forEach(function (a) {
      out[a] = new Set();
      Object.keys(pos).forEach(function (b) {
        var ra = pos[a][0], ia = pos[a][1], rb = pos[b][0], ib = pos[b][1], dx = ib - ia;
        if (a !== b && ((ra === rb && Math.abs(dx) === 1) ||
          (Math.abs(ra - rb) === 1 && (rb < ra ? dx === 0 || dx === 1 : dx === -1 || dx === 0)))) out[a].add(b);
      });
    });
    return out;
  })();
  function subCost(a, b) {
    if (a === b) return 0;
    if (NEIGHBOURS[a] && NEIGHBOURS[a].has(b)) return NEIGHBOUR;
    if (VOWELS.indexOf(a) >= 0 && VOWELS.indexOf(b) >= 0) return VOWEL;
    return EDIT;
  }
  function indelCost(w, i) {
    var c = w[i];
    return c === 'h' || (i > 0 && w[i - 1] === c) || (i + 1 < w.length && w[i + 1] === c) ? DOUBLE : EDIT;
  }
  function typingCost(typed, word) {
    var n = typed.length, m = word.length, d = [], i, j;
    for (i = 0; i <= n; i++) d.push(new Array(m + 1).fill(0));
    for (i = 1; i <= n; i++) d[i][0] = d[i - 1][0] + indelCost(typed, i - 1);
    for (j = 1; j <= m; j++) d[0][j] = d[0][j - 1] + indelCost(word, j - 1);
    for (i = 1; i <= n; i++) {
      for (j = 1; j <= m; j++) {
        var v = Math.min(d[i - 1][j] + indelCost(typed, i - 1), d[i][j - 1] + indelCost(word, j - 1),
          d[i - 1][j - 1] + subCost(typed[i - 1], word[j - 1]));
        if (i > 1 && j > 1 && typed[i - 1] === word[j - 2] && typed[i - 2] === word[j - 1]) v = Math.min(v, d[i - 2][j - 2] + SWAP);
        d[i][j] = v;
      }
    }
    var cost = d[n][m];
    if (skeleton(typed) === skeleton(word)) cost = Math.min(cost, SAME_SKELETON);
    if (soundKey(typed) === soundKey(word)) cost = Math.max(cost - SAME_SOUND, Math.min(cost, SOUND_FLOOR));
    return cost;
  }
  /* Optimal string alignment distance (adjacent transpositions count 1), capped at cap + 1. */
  function osa(a, b, cap) {
    if (Math.abs(a.length - b.length) > cap) return cap + 1;
    var prev2 = [], prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var low = i;
      for (var k = 1; k <= b.length; k++) {
        var v = Math.min(prev[k] + 1, cur[k - 1] + 1, prev[k - 1] + (a[i - 1] === b[k - 1] ? 0 : 1));
        if (i > 1 && k > 1 && a[i - 1] === b[k - 2] && a[i - 2] === b[k - 1]) v = Math.min(v, prev2[k - 2] + 1);
        cur.push(v);
        if (v < low) low = v;
      }
      if (low > cap) return cap + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }
  function inReach(typed, word) {
    var sk = skeleton(typed), max = sk.length >= 6 ? 2 : 1;
    return osa(sk, skeleton(word), max) <= max || soundKey(typed) === soundKey(word);
  }
  /* spelling.rank: [[word, digit]] -> [{word, digit, cost, score}], the likeliest first, one per stem. */
  function spellRank(typed, entries, reach) {
    var own = stem(typed), seen = new Set(), found = [];
    entries.forEach(function (e) {
      var w = e[0];
      if (w === typed || seen.has(w)) return;
      seen.add(w);
      if (stem(w) === own || (reach !== false && !inReach(typed, w))) return;
      var cost = typingCost(typed, w);
      found.push({word: w, digit: e[1], cost: cost, score: FREQ * e[1] - PER_EDIT * cost});
    });
    found.sort(function (a, b) { return b.score - a.score || a.cost - b.cost || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0); });
    var stems = new Set();
    return found.filter(function (c) { var t = stem(c.word); if (stems.has(t)) return false; stems.add(t); return true; });
  }
  /* spelling.choose: {alternatives, replaced} for a typed word and the lexicon entries its keys load. */
  function spellChoice(typed, entries) {
    var own = null;
    entries.forEach(function (e) { if (e[0] === typed) own = e[1]; });
    var ranked = spellRank(typed, entries);
    if (own !== null) ranked = ranked.filter(function (c) { return c.digit >= own + OFFER; });
    if (!ranked.length) {
      if (own !== null) return {alternatives: [], replaced: false};
      var near = spellRank(typed, entries, false);
      near.sort(function (a, b) { return a.cost - b.cost || b.digit - a.digit || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0); });
      return {alternatives: near.slice(0, 1), replaced: false};
    }
    var best = ranked[0];
    var alts = ranked.filter(function (c) { return c.score >= best.score - CLOSE; }).slice(0, MAX_ALTERNATIVES);
    return {alternatives: alts, replaced: own === null ? best.cost <= SURE : best.digit >= own + APPLY && best.cost <= EDIT};
  }

  // ------------------------------------------------------------ Porter stemmer
  // Porter (1980) as published; the departures are analysis.py's SHORT_WORD and EXCEPTIONS.
  var SHORT_WORD = 2;
  var EXCEPTIONS = {};

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
    ['abli', 'able'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'],
    ['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'],
    ['fulness', 'ful'], ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble']];
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
    if (w.length <= SHORT_WORD) return w;
    if (Object.prototype.hasOwnProperty.call(EXCEPTIONS, w)) return EXCEPTIONS[w];
    return porterStandard(w);
  }
  function porterStandard(w) {
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
      var ok = best === 'ion' ? st.length > 0 && 'st'.indexOf(st[st.length - 1]) >= 0 && measure(st) > 1
        : measure(st) > 1;
      if (ok) w = st;
    }
    if (w.endsWith('e')) {
      var m = measure(w.slice(0, -1));
      if (m > 1 || (m === 1 && !cvc(w.slice(0, -1)))) w = w.slice(0, -1);
    }
    if (measure(w) > 1 && doublec(w) && w.endsWith('l')) w = w.slice(0, -1);
    return w;
  }

  A.analyser = analyser; A.multiTokens = multiTokens; A.foldStem = foldStem;
  A.fold = fold; A.words = words; A.keep = keep; A.stem = stem; A.analyze = analyze;
  A.porter = porter; A.porterStandard = porterStandard; A.STOP_WORDS = STOP_WORDS;
  A.EXCEPTIONS = EXCEPTIONS; A.SHORT_WORD = SHORT_WORD;
  A.skeleton = skeleton; A.spellKeys = spellKeys; A.spellable = spellable; A.soundKey = soundKey;
  A.typingCost = typingCost; A.osa = osa; A.spellRank = spellRank; A.spellChoice = spellChoice;
  if (typeof module === 'object' && module.exports) module.exports = A;
})(typeof window !== 'undefined' ? window : globalThis);
