/* Archive search, part 3 of 3: the top-bar box and the search page.
 *
 * Both are ARIA 1.2 comboboxes: the input owns a listbox whose options are
 * real links (<a role="option" href>), so a result can be middle-clicked,
 * Ctrl+clicked, copied or bookmarked, while arrow keys move the active option
 * and Enter follows it.  The search page keeps its state (query, facets, how
 * many results are shown) in the URL, so Back and reload return to it.
 */
(function (global) {
  'use strict';
  if (typeof document === 'undefined') return;
  var A = global.ArchiveSearch;

  // The top-bar list shows QUICK_RESULTS results and snippets for the first QUICK_SNIPPETS.
  var QUICK_RESULTS = 6;
  var QUICK_SNIPPETS = 2;
  // Wait for a pause in typing: every intermediate prefix search loads shards and cards.
  var DEBOUNCE_MS = 120;
  var PAGE_SIZE = 10;  // results per "page" of the search page
  // URL parameters that are not facet selections; every other one is (a facet group's param, "type", "year").
  var PAGE_KEYS = ['q', 'n', 'exact', 'sort', 'from', 'to'];
  var FACET_ROWS = 12;
  var MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
    'November', 'December'];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function appendParts(node, parts) {
    parts.forEach(function (p) { node.appendChild(p.hit ? el('mark', '', p.text) : document.createTextNode(p.text)); });
  }

  function debounce(fn, ms) {
    var t = null;
    var call = function () { clearTimeout(t); t = setTimeout(fn, ms); };
    call.cancel = function () { clearTimeout(t); };
    return call;
  }

  function pageLang() { return (document.documentElement.lang || 'en').split('-')[0].toLowerCase(); }

  function plural(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }

  // Said after the count while the best known order is shown and the exact one is on its way.
  var BUSY = ', putting them in order\u2026';

  function countText(res) {
    return res.total ? (res.approx ? 'About ' : '') + plural(res.total, 'result') : 'No results';
  }

  var uid = 0;

  /* One result: a link that is also a listbox option (text only inside: no nested controls).
   * byDate: the results are in date order, where an undated one says so (it is listed after the dated). */
  function resultOption(h, q, root, withSnippet, byDate) {
    var a = el('a', 'as-result');
    a.href = root + h.doc.u;
    a.setAttribute('data-id', h.doc.id);
    // What the node shows depends on the query too (highlights): a node is reused for the same one only.
    a.setAttribute('data-q', (withSnippet ? 's' : '') + (byDate ? 'd' : '') + q.terms.map(function (t) { return t.word; }).join(' ') + '|' +
      (q.corrections || []).map(function (c) { return c.to; }).join(' '));
    var title = el('span', 'as-title');
    appendParts(title, A.highlight(h.doc.t || h.doc.id, q, h.doc.an));
    a.appendChild(title);
    // A result in another language than the page: its own lang, and its direction from its text.
    if (h.doc.lang && h.doc.lang !== pageLang()) { a.setAttribute('lang', h.doc.lang); a.setAttribute('dir', 'auto'); }
    var line = el('span', 'as-meta');
    if (h.doc.d) { var t = el('time', '', h.doc.d); t.setAttribute('datetime', h.doc.d); line.appendChild(t); }
    else if (byDate) line.appendChild(el('span', 'as-undated', 'undated'));
    if (h.doc.s) line.appendChild(el('span', 'as-source', h.doc.s));
    // Identical copies of the story are one result (generator/search/duplicates.py).
    if (h.doc.k > 1) line.appendChild(el('span', 'as-copies', h.doc.k + ' copies'));
    a.appendChild(line);
    if (withSnippet) {
      var p = el('span', 'as-snippet');
      appendParts(p, A.snippet(h.doc, q));
      a.appendChild(p);
    }
    if ((h.doc.e || []).length) {
      var box = el('span', 'as-chips');
      h.doc.e.forEach(function (e) {
        var c = el('span', 'as-chip', e[0]);
        c.setAttribute('data-type', e[1]);
        box.appendChild(c);
      });
      a.appendChild(box);
    }
    return a;
  }

  /* The combobox keyboard: arrows move aria-activedescendant over the options,
   * Enter follows the active one (a link: its own href), Escape closes a popup. */
  function combobox(input, listbox, status) {
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
    function open(yes) {
      if (!listbox.hasAttribute('data-popup')) return;
      listbox.hidden = !yes;
      input.setAttribute('aria-expanded', yes ? 'true' : 'false');
      if (!yes) setActive(-1);
    }
    input.addEventListener('keydown', function (ev) {
      var opts = options();
      if (ev.key === 'ArrowDown' && opts.length) {
        ev.preventDefault();
        open(true);
        setActive(active < opts.length - 1 ? active + 1 : 0);
      } else if (ev.key === 'ArrowUp' && opts.length) {
        ev.preventDefault();
        setActive(active > 0 ? active - 1 : opts.length - 1);
      } else if (ev.key === 'Enter' && active >= 0 && opts[active]) {
        ev.preventDefault();
        window.location.href = opts[active].href;
      } else if (ev.key === 'Escape') {
        open(false);
      }
    });
    return {
      open: open,
      /* Show items; busy: the order shown is the best known, the exact one follows
       * (aria-busy, and CSS greys it).  A result already shown for the same search
       * keeps its node, so what stays in place does not move or flicker. */
      render: function (items, message, busy) {
        var old = {};
        Array.prototype.forEach.call(listbox.querySelectorAll('a[data-id]'), function (n) { old[n.getAttribute('data-id')] = n; });
        listbox.textContent = '';
        items.forEach(function (node, i) {
          var id = node.getAttribute('data-id'), kept = id && old[id] && old[id].getAttribute('data-q') === node.getAttribute('data-q');
          if (kept) { node = old[id]; items[i] = node; }
          node.id = 'as-opt-' + (++uid);
          node.setAttribute('role', 'option');
          node.setAttribute('aria-selected', 'false');
          node.tabIndex = -1;
          listbox.appendChild(node);
        });
        active = -1;
        input.removeAttribute('aria-activedescendant');
        if (busy) listbox.setAttribute('aria-busy', 'true'); else listbox.removeAttribute('aria-busy');
        status.textContent = message;
      }
    };
  }

  /* "Showing results for ..." / "Did you mean ...?" with links to both queries. */
  function corrections(res, text, pageUrl) {
    var cs = res.corrections || [];
    if (!cs.length) return null;
    var fixed = text;
    cs.forEach(function (c) { fixed = fixed.replace(new RegExp('\\b' + c.word + '\\b', 'i'), c.to); });
    var p = el('p', 'as-correction');
    var replaced = cs.some(function (c) { return c.replaced; });
    var link = el('a', '', fixed);
    link.href = pageUrl(fixed);
    p.appendChild(document.createTextNode(replaced ? 'Showing results for ' : 'Did you mean '));
    p.appendChild(link);
    p.appendChild(document.createTextNode(replaced ? '. ' : '?'));
    return p;
  }

  function quickBox(form, engine, root) {
    var input = form.querySelector('input[role=combobox]');
    var listbox = form.querySelector('[role=listbox]');
    var status = form.querySelector('[role=status]');
    if (!input || !listbox || !status) return;
    listbox.setAttribute('data-popup', '1');
    var page = root + 'search/index.html';
    form.setAttribute('action', page);
    var seq = 0;
    var cb = combobox(input, listbox, status);
    var run = debounce(function () {
      var text = input.value, my = ++seq;
      if (!text.trim()) { cb.render([], ''); cb.open(false); return; }
      var stale = function () { return my !== seq; };
      var show = function (res, busy) {
        if (stale()) return;
        var items = res.hits.map(function (h, i) { return resultOption(h, res.query, root, i < QUICK_SNIPPETS); });
        if (res.total) {
          var more = el('a', 'as-more', res.approx ? 'All results (about ' + res.total + ') \u2192' : 'All ' + plural(res.total, 'result') + ' \u2192');
          more.href = page + '?q=' + encodeURIComponent(text);
          items.push(more);
        }
        // The list holds options only; a correction is said in the status (the search page shows it as a link).
        var fixed = res.corrections.filter(function (c) { return c.replaced; }).map(function (c) { return c.to; }).join(' ');
        var offered = res.corrections.filter(function (c) { return !c.replaced; }).map(function (c) { return c.to; }).join(' ');
        cb.render(items, countText(res) + (fixed ? ' for ' + fixed : '') + (offered ? '. Did you mean ' + offered + '?' : '') +
          (busy ? BUSY : ''), busy);
        cb.open(items.length > 0);
      };
      engine.search(text, {prefix: true, limit: QUICK_RESULTS, isStale: stale,
        onProgress: function (res) { show(res, true); }}).then(function (res) { show(res, false); }).catch(function (e) { status.textContent = 'Search unavailable: ' + e.message; });
    }, DEBOUNCE_MS);
    input.addEventListener('input', function () { seq++; run(); });
    // Leaving the box collapses the list (after a click on an option has been handled).
    input.addEventListener('blur', function () { setTimeout(function () { if (!form.contains(document.activeElement)) cb.open(false); }, 200); });
    input.addEventListener('focus', function () { if (input.value.trim() && listbox.querySelector('[role=option]')) cb.open(true); });
    document.addEventListener('click', function (ev) { if (!form.contains(ev.target)) cb.open(false); });
  }

  /* The sort and date-range controls: options from the index's years (meta), values from state. */
  function orderControls(page, engine, state, changed) {
    var order = page.querySelector('[data-order]'), box = page.querySelector('[data-range-box]');
    var sort = order.querySelector('[data-sort]');
    sort.value = state.sort;
    sort.addEventListener('change', function () { state.sort = sort.value; changed(); });
    order.hidden = false;
    var years = engine.meta.years.filter(function (y) { return y[0]; }).map(function (y) { return y[0]; });
    ['from', 'to'].forEach(function (end) {
      var year = box.querySelector('[data-range=' + end + '][data-part=year]');
      var month = box.querySelector('[data-range=' + end + '][data-part=month]');
      year.appendChild(el('option', '', 'any year')).value = '';
      years.forEach(function (y) { year.appendChild(el('option', '', y)).value = y; });
      month.appendChild(el('option', '', 'all year')).value = '';
      MONTHS.forEach(function (m, i) { month.appendChild(el('option', '', m)).value = ('0' + (i + 1)).slice(-2); });
      var parts = (state[end] || '').split('-');
      year.value = years.indexOf(parts[0]) >= 0 ? parts[0] : '';
      month.value = year.value && parts[1] ? parts[1] : '';
      month.disabled = !year.value;
      function update() {
        month.disabled = !year.value;
        if (!year.value) month.value = '';
        state[end] = year.value + (year.value && month.value ? '-' + month.value : '');
        changed();
      }
      year.addEventListener('change', update);
      month.addEventListener('change', update);
    });
    box.hidden = !years.length;
  }

  function searchPage(page, engine, root) {
    var form = page.querySelector('form');
    var input = page.querySelector('input[role=combobox]');
    var listbox = page.querySelector('[role=listbox]');
    var status = page.querySelector('[role=status]');
    var facetBox = page.querySelector('[data-facets]');
    var filters = page.querySelector('[data-filters]');
    var toggle = page.querySelector('[data-filters-toggle]');
    var note = page.querySelector('[data-correction]');
    var dateNote = page.querySelector('[data-date-note]');
    var moreBtn = page.querySelector('[data-more]');
    var params = new URLSearchParams(window.location.search);
    var state = {q: params.get('q') || '', facets: {}, limit: PAGE_SIZE, exact: params.get('exact') === '1',
      sort: /^(new|old)$/.test(params.get('sort') || '') ? params.get('sort') : '',
      from: A.monthOf(params.get('from'), '') ? params.get('from') : '', to: A.monthOf(params.get('to'), '') ? params.get('to') : ''};
    var shown = parseInt(params.get('n') || '', 10);
    if (shown > PAGE_SIZE) state.limit = Math.min(1000, Math.ceil(shown / PAGE_SIZE) * PAGE_SIZE);
    params.forEach(function (v, k) {
      if (PAGE_KEYS.indexOf(k) < 0) (state.facets[k] = state.facets[k] || []).push(v);
    });
    input.value = state.q;
    var seq = 0;
    var cb = combobox(input, listbox, status);
    var opened = {};   // facet groups the reader opened (their lists are loaded and counted)
    var expanded = {}; // facet groups showing every value among the results ("Show all N")
    var last = null;   // the result the facets show, for counting a group opened later

    function url(s) {
      var p = new URLSearchParams();
      if (s.q) p.set('q', s.q);
      Object.keys(s.facets).forEach(function (k) { (s.facets[k] || []).forEach(function (v) { p.append(k, v); }); });
      if (s.sort) p.set('sort', s.sort);
      if (s.from) p.set('from', s.from);
      if (s.to) p.set('to', s.to);
      if (s.limit > PAGE_SIZE) p.set('n', String(s.limit));
      if (s.exact) p.set('exact', '1');
      var qs = p.toString();
      return qs ? '?' + qs : window.location.pathname;
    }
    function syncUrl() {
      try { history.replaceState(null, '', url(state)); } catch (e) { /* some browsers refuse on file:// */ }
    }
    function range() { return state.from || state.to ? {from: state.from, to: state.to} : null; }
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener('click', function () {
        var open = toggle.getAttribute('aria-expanded') !== 'true';
        toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
        filters.classList.toggle('as-open', open);
      });
    }
    moreBtn.addEventListener('click', function () { state.limit += PAGE_SIZE; run(); });

    function toggleFacet(kind, value) {
      var list = state.facets[kind] = state.facets[kind] || [], i = list.indexOf(value);
      if (i >= 0) list.splice(i, 1); else list.push(value);
      if (!list.length) delete state.facets[kind];
      state.limit = PAGE_SIZE;
      run();
    }
    function checkbox(kind, r, cls) {
      var label = el('label', cls), box = el('input');
      box.type = 'checkbox';
      box.value = r.value;
      box.checked = (state.facets[kind] || []).indexOf(r.value) >= 0;
      box.setAttribute('data-facet', kind);
      box.addEventListener('change', function () { toggleFacet(kind, r.value); });
      label.appendChild(box);
      label.appendChild(document.createTextNode(' ' + r.name + ' '));
      label.appendChild(el('span', 'as-count', '(' + r.count + ')'));
      return label;
    }
    /* One facet group, every one alike: a <details> whose list is loaded when it is open. */
    function groupKey(g) { return g.type ? 'entity:' + g.type : g.param; }
    function selectedIn(g) {
      return (state.facets[g.param] || []).filter(function (v) { return !g.type || v.split(':')[0] === g.type; });
    }
    /* A group's values among the results, most first: the first FACET_ROWS, or every one after "Show all N"
     * (the group's whole list is loaded to count it, so showing more loads nothing). */
    function fillGroup(box, g, counts) {
      var key = groupKey(g);
      var rows = counts.values.map(function (v) { return {value: v[0], name: v[1], count: v[2]}; });
      // Selected values stay visible even when outside the top rows.
      selectedIn(g).forEach(function (v) {
        var i = -1;
        rows.forEach(function (r, j) { if (r.value === v) i = j; });
        if (i >= 0 && i < FACET_ROWS) return;
        rows.unshift(i >= 0 ? rows.splice(i, 1)[0] : {value: v, name: g.type ? v.split(':').slice(1).join(':') : v, count: 0});
      });
      if (g.type && (counts.any || (state.facets.type || []).indexOf(g.type) >= 0)) {
        box.appendChild(checkbox('type', {value: g.type, name: 'any of these', count: counts.any}, 'as-facet-any'));
      }
      (expanded[key] ? rows : rows.slice(0, FACET_ROWS)).forEach(function (r) { box.appendChild(checkbox(g.param, r)); });
      if (!rows.length && !g.type) box.appendChild(el('p', 'as-facet-note', 'None among these results'));
      if (rows.length > FACET_ROWS) {
        var more = el('button', 'as-facet-more', expanded[key] ? 'Show fewer' : 'Show all ' + rows.length);
        more.type = 'button';
        more.setAttribute('data-facet-more', key);
        more.setAttribute('aria-expanded', expanded[key] ? 'true' : 'false');
        more.addEventListener('click', function () {
          expanded[key] = !expanded[key];
          box.textContent = '';
          fillGroup(box, g, counts);
          box.querySelector('[data-facet-more]').focus();
        });
        box.appendChild(more);
      }
    }
    function group(g, res) {
      var details = el('details', 'as-facet'), key = groupKey(g);
      details.setAttribute('data-facet-group', key);
      details.appendChild(el('summary', '', g.label));
      var box = el('div');
      box.setAttribute('role', 'group');
      box.setAttribute('aria-label', g.label);
      details.appendChild(box);
      var counts = res.facets && res.facets.groups[g.file];
      details.open = !!(opened[key] || selectedIn(g).length || (g.type && (state.facets.type || []).indexOf(g.type) >= 0));
      if (details.open && counts) fillGroup(box, g, counts);
      details.addEventListener('toggle', function () {
        opened[key] = details.open;
        if (!details.open || box.childNodes.length) return;
        engine.groupCounts(res, g.file).then(function (c) { if (res === last && !box.childNodes.length) fillGroup(box, g, c); });
      });
      facetBox.appendChild(details);
    }
    function renderFacets(res, approx) {
      facetBox.textContent = '';
      last = res;
      if (!res) return;
      if (approx) facetBox.appendChild(el('p', 'as-facet-note', 'Counts among the best matches'));
      shownGroup('year', 'Year', res.facets.years.map(function (y) { return {value: y[0], name: y[0], count: y[1]}; }));
      engine.facetGroups().forEach(function (g) { group(g, res); });
    }
    /* A group whose counts come with every result (from meta), shown open. */
    function shownGroup(kind, label, rows) {
      if (!rows.length) return;
      var details = el('details', 'as-facet'), box = el('div');
      details.setAttribute('data-facet-group', kind);
      details.open = true;
      details.appendChild(el('summary', '', label));
      box.setAttribute('role', 'group');
      box.setAttribute('aria-label', label);
      rows.forEach(function (r) { box.appendChild(checkbox(kind, r)); });
      details.appendChild(box);
      facetBox.appendChild(details);
    }
    /* The files of the facet groups shown open: the only lists a search loads besides the selected. */
    function openFiles() {
      return engine.facetGroups().filter(function (g) { return opened[groupKey(g)]; }).map(function (g) { return g.file; });
    }
    function sayDates(res) {
      var text = '';
      if (engine.undated() && range()) text = 'Undated articles are in no date range, so they are left out.';
      else if (engine.undated() && state.sort && res && res.total) {
        text = 'Undated articles have no place in a date order: they are listed after the dated ones.';
      }
      dateNote.textContent = text;
      dateNote.hidden = !text;
    }
    var shownKey = null;
    function run() {
      state.q = input.value;
      syncUrl();
      // Enter after typing, or a debounced keystroke after Enter, asks for what is shown already.
      var key = url(state);
      if (key === shownKey) return;
      shownKey = key;
      var my = ++seq;
      note.textContent = '';
      if (!state.q.trim() && !A.anySelected(state.facets) && !range()) {
        cb.render([], 'Type to search, or pick a filter.');
        moreBtn.hidden = true;
        sayDates(null);
        engine.search('', {withFacets: openFiles(), limit: 0}).then(function (res) { if (my === seq) renderFacets(res, false); });
        return;
      }
      var byDate = !!state.sort;
      var show = function (res, busy) {
        if (my !== seq) return;
        var items = res.hits.map(function (h) { return resultOption(h, res.query, root, true, byDate); });
        cb.render(items, countText(res) + (res.total && byDate ? (state.sort === 'new' ? ', newest first' : ', oldest first') : '') +
          (busy ? BUSY : ''), busy);
        note.textContent = '';
        var fix = corrections(res, state.q, function (t) { return url({q: t, facets: state.facets, limit: PAGE_SIZE, sort: state.sort, from: state.from, to: state.to}); });
        if (fix) {
          if (res.corrections.some(function (c) { return c.replaced; })) {
            var orig = el('a', '', state.q);
            orig.href = url({q: state.q, facets: state.facets, limit: PAGE_SIZE, exact: true, sort: state.sort, from: state.from, to: state.to});
            fix.appendChild(document.createTextNode('Search instead for '));
            fix.appendChild(orig);
          }
          note.appendChild(fix);
        }
        if (busy) return;  // facets and "more" wait for the exact result
        sayDates(res);
        moreBtn.hidden = !(res.total > res.hits.length);
        renderFacets(res.total ? res : null, res.facetsApprox);
      };
      engine.search(state.q, {limit: state.limit, facets: state.facets, withFacets: openFiles(), spell: !state.exact,
        sort: state.sort, range: range(),
        isStale: function () { return my !== seq; }, onProgress: function (res) { show(res, true); }})
        .then(function (res) { show(res, false); }).catch(function (e) { shownKey = null; status.textContent = 'Search unavailable: ' + e.message; });
    }
    var typed = debounce(function () { state.limit = PAGE_SIZE; state.exact = false; run(); }, DEBOUNCE_MS);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      typed.cancel();
      state.limit = PAGE_SIZE;
      state.exact = false;
      run();
    });
    input.addEventListener('input', typed);
    engine.init().then(function () {
      orderControls(page, engine, state, function () { state.limit = PAGE_SIZE; run(); });
      run();
    }).catch(function (e) { status.textContent = 'Search unavailable: ' + e.message; });
  }

  function start() {
    var root = (document.body && document.body.getAttribute('data-root')) || './';
    var engine = new A.Engine(A.scriptLoader(root));
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
})(typeof window !== 'undefined' ? window : globalThis);
