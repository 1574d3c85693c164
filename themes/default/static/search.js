/* debrief search: runs in the browser over the index `debrief build` wrote to
   search/. Every index file is a plain script that calls window.debriefSearch,
   because fetch, modules and wasm all fail on file://. Only the manifest, the
   shards holding the query's words and the shown results are loaded.
   The tokenising rules are those of src/search/tokenize.rs; the manifest
   carries their data (stop words, longest token). */
(function () {
  "use strict";

  var root = document.body.getAttribute("data-root") || "";
  var S = (window.debriefSearch = window.debriefSearch || {});
  var shards = {}, docs = {}, loading = {};
  var manifest = null, facets = null;

  // ---- what the index files call ------------------------------------------------
  S.manifest = function (m) {
    manifest = m;
    m.digit = {};
    for (var i = 0; i < m.alphabet.length; i++) m.digit[m.alphabet.charCodeAt(i)] = i;
  };
  S.shard = function (n, text) {
    var parts = text ? text.split(" ") : [];
    var terms = [], postings = [];
    for (var i = 0; i + 1 < parts.length; i += 2) { terms.push(parts[i]); postings.push(parts[i + 1]); }
    shards[n] = { terms: terms, postings: postings };
  };
  S.docs = function (n, list) {
    list.forEach(function (d, i) { docs[n * manifest.perFile + i] = d; });
  };
  S.facets = function (f) { facets = f; };

  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = root + path;
        s.async = true;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete loading[path]; reject(new Error("cannot load " + path)); };
        document.head.appendChild(s);
      });
    }
    return loading[path];
  }
  function loadManifest() { return load("search/index.js"); }
  // The index files loaded so far, relative to the site root (for tests and
  // the benchmark: browsers keep no resource timings for file://).
  S.loaded = function () { return Object.keys(loading).sort(); };

  // ---- tokenising: the rules of src/search/tokenize.rs --------------------------
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var ENDS_IN_WORD = /[\p{Alphabetic}\p{N}]$/u;

  function words(text) {
    var out = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) out.push({ at: m.index, word: m[0] });
    return out;
  }
  function normalise(word) {
    var lower = word.toLowerCase();
    var chars = Array.from(lower);
    return chars.length > manifest.maxChars ? chars.slice(0, manifest.maxChars).join("") : lower;
  }
  function tokens(text) { return words(text).map(function (w) { return normalise(w.word); }); }
  function isStop(t) { return manifest.stop.indexOf(t) !== -1; }
  function queryTokens(query) {
    var all = tokens(query);
    var typing = query.length === 0 || ENDS_IN_WORD.test(query);
    var out = [];
    all.forEach(function (t, i) {
      if ((!isStop(t) || (typing && i === all.length - 1)) && out.indexOf(t) === -1) out.push(t);
    });
    return out;
  }
  S.tokens = function (text) { return tokens(text); };
  S.queryTokens = function (q) { return queryTokens(q); };

  // ---- the index ----------------------------------------------------------------
  // Terms are sorted by code point (Rust's order), not by UTF-16 unit.
  function compare(a, b) {
    var i = 0, j = 0;
    while (i < a.length && j < b.length) {
      var x = a.codePointAt(i), y = b.codePointAt(j);
      if (x !== y) return x < y ? -1 : 1;
      i += x > 0xffff ? 2 : 1;
      j += y > 0xffff ? 2 : 1;
    }
    return i < a.length ? 1 : j < b.length ? -1 : 0;
  }
  // A token of three or more characters also matches the words it starts.
  function isPrefix(token) { return Array.from(token).length >= 3; }
  function shardsFor(token) {
    var seps = manifest.shards, lo = 0, hi = seps.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (compare(seps[mid], token) <= 0) lo = mid; else hi = mid - 1;
    }
    var out = [lo];
    if (isPrefix(token)) for (var j = lo + 1; j < seps.length && seps[j].indexOf(token) === 0; j++) out.push(j);
    return out;
  }
  function decode(text, withField, each) {
    var digit = manifest.digit, v = 0, doc = 0;
    for (var i = 0; i < text.length; i++) {
      var d = digit[text.charCodeAt(i)];
      if (d >= 32) { v = v * 32 + (d - 32); continue; }
      v = v * 32 + d;
      if (withField) { doc += Math.floor(v / 4); each(doc, v % 4); } else { doc += v; each(doc); }
      v = 0;
    }
  }
  // Alert name, title, heading, body: each ranks above any number of the next.
  var WEIGHT = [1, 10, 100, 1000];
  function scores(token) {
    var best = new Float64Array(manifest.docs), prefix = isPrefix(token), any = false;
    shardsFor(token).forEach(function (n) {
      var s = shards[n];
      for (var i = 0; i < s.terms.length; i++) {
        var term = s.terms[i], exact = term === token;
        if (!exact && !(prefix && term.indexOf(token) === 0)) continue;
        any = true;
        decode(s.postings[i], true, function (doc, field) {
          var w = WEIGHT[field] * (exact ? 2 : 1);
          if (w > best[doc]) best[doc] = w;
        });
      }
    });
    return any ? best : null;
  }
  function kindOf(doc) {
    for (var i = 0; i < manifest.kinds.length; i++) {
      var k = manifest.kinds[i];
      if (doc >= k[1] && doc < k[2]) return k[0];
    }
    return "page";
  }
  function facetSet(name, value) {
    var set = {};
    var text = facets && facets[name] && facets[name][value];
    if (text) decode(text, false, function (doc) { set[doc] = true; });
    return set;
  }

  /* Answers a query: { tokens, hits: [doc…] best first, counts: {kind: n} }.
     filters: { kind, severity, service } (empty for any). */
  function search(query, filters) {
    filters = filters || {};
    return loadManifest().then(function () {
      var toks = queryTokens(query);
      // An empty site has no shards at all.
      if (!toks.length || !manifest.shards.length) return { tokens: toks, hits: [], counts: {}, total: 0 };
      var needed = [];
      toks.forEach(function (t) { shardsFor(t).forEach(function (n) { if (needed.indexOf(n) === -1) needed.push(n); }); });
      var wait = needed.map(function (n) { return load("search/s/" + n + ".js"); });
      if (filters.severity || filters.service) wait.push(load("search/facets.js"));
      return Promise.all(wait).then(function () { return rank(toks, filters); });
    });
  }
  function rank(toks, filters) {
    var per = toks.map(scores);
    var total = new Float64Array(manifest.docs);
    var candidates = null;
    for (var t = 0; t < per.length; t++) {
      if (!per[t]) return { tokens: toks, hits: [], counts: {}, total: 0 };
    }
    for (var doc = 0; doc < manifest.docs; doc++) {
      var sum = 0;
      for (t = 0; t < per.length && per[t][doc] > 0; t++) sum += per[t][doc];
      if (t === per.length) total[doc] = sum;
    }
    var sev = filters.severity ? facetSet("severity", filters.severity) : null;
    var svc = filters.service ? facetSet("service", filters.service) : null;
    var counts = {}, hits = [], all = 0;
    candidates = [];
    for (doc = 0; doc < manifest.docs; doc++) {
      if (!(total[doc] > 0) || (sev && !sev[doc]) || (svc && !svc[doc])) continue;
      var kind = kindOf(doc);
      counts[kind] = (counts[kind] || 0) + 1;
      all++;
      if (!filters.kind || filters.kind === kind) candidates.push(doc);
    }
    // Best score first; ties keep document order (runbooks, the most severe and newest post-mortems first).
    candidates.sort(function (a, b) { return total[b] - total[a] || a - b; });
    hits = candidates;
    return { tokens: toks, hits: hits, counts: counts, total: all };
  }
  function loadDocs(hits) {
    return Promise.all(hits.map(function (n) { return load("search/d/" + Math.floor(n / manifest.perFile) + ".js"); })).then(function () {
      return hits.map(function (n) { return docs[n]; });
    });
  }
  S.search = search;

  // ---- showing results ----------------------------------------------------------
  // Results shown at first, and per "Show more": what a first query loads grows with this.
  var PAGE = 8;
  var KIND_LABEL = { runbook: "Runbook", status: "Status update", incident: "Post-mortem", page: "Page" };
  var KIND_PLURAL = { runbook: "Runbooks", status: "Status updates", incident: "Post-mortems", page: "Pages" };

  function matches(word, toks) {
    var w = normalise(word);
    return toks.some(function (t) { return w === t || (isPrefix(t) && w.indexOf(t) === 0); });
  }
  // Text with every matching word in <mark>, built as nodes: nothing is parsed as HTML.
  function highlighted(text, toks) {
    var frag = document.createDocumentFragment(), last = 0;
    words(text).forEach(function (w) {
      if (!matches(w.word, toks)) return;
      frag.appendChild(document.createTextNode(text.slice(last, w.at)));
      var mark = document.createElement("mark");
      mark.textContent = w.word;
      frag.appendChild(mark);
      last = w.at + w.word.length;
    });
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }
  // About 200 characters of the text: where the most query words sit
  // close together (the first such place), else the start.
  function snippet(text, toks) {
    text = (text || "").replace(/\s*\n\s*/g, " · ");
    var hits = words(text).filter(function (w) { return matches(w.word, toks); }).slice(0, 60);
    var best = null, bestCount = 0;
    hits.forEach(function (h) {
      var seen = {};
      hits.forEach(function (o) {
        if (o.at < h.at || o.at > h.at + 140) return;
        var w = normalise(o.word);
        toks.forEach(function (t) { if (w === t || (isPrefix(t) && w.indexOf(t) === 0)) seen[t] = true; });
      });
      var count = Object.keys(seen).length;
      if (count > bestCount) { best = h; bestCount = count; }
    });
    var start = 0;
    if (best && best.at > 60) start = text.lastIndexOf(" ", best.at - 60) + 1;
    var end = Math.min(text.length, start + 200);
    if (end < text.length) {
      var space = text.lastIndexOf(" ", end);
      if (space > start + 100) end = space;
    }
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function resultItem(d, toks, id) {
    var li = el("li", "result");
    li.id = id;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    var a = el("a");
    a.href = root + d.u;
    a.tabIndex = -1;
    var head = el("span", "r-head");
    head.appendChild(el("span", "chip kind kind-" + d.k, KIND_LABEL[d.k] || d.k));
    if (d.s) head.appendChild(el("span", "sev " + (d.c || "sev-other"), d.s));
    var title = el("span", "r-title");
    title.appendChild(highlighted(d.t, toks));
    head.appendChild(title);
    a.appendChild(head);
    var meta = [];
    if (d.d) meta.push(d.k === "runbook" ? "reviewed " + d.d : d.d);
    if (d.v && d.v.length) meta.push(d.v.join(", "));
    var alerts = (d.a || []).filter(function (x) { return words(x).some(function (w) { return matches(w.word, toks); }); });
    var metaLine = el("span", "r-meta", meta.join(" · "));
    if (alerts.length) {
      metaLine.appendChild(document.createTextNode((meta.length ? " · " : "") + "alert "));
      metaLine.appendChild(highlighted(alerts.join(", "), toks));
    }
    if (meta.length || alerts.length) a.appendChild(metaLine);
    var snip = el("span", "r-snippet");
    snip.appendChild(highlighted(snippet(d.x, toks), toks));
    a.appendChild(snip);
    li.appendChild(a);
    return li;
  }

  // Arrow keys move an active result (aria-activedescendant); Enter opens it.
  function listNav(input, list) {
    var active = -1;
    function items() { return list.querySelectorAll("[role=option]"); }
    function set(n) {
      var all = items();
      if (!all.length) { active = -1; input.removeAttribute("aria-activedescendant"); return; }
      active = Math.max(0, Math.min(n, all.length - 1));
      Array.prototype.forEach.call(all, function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      if (all[active].scrollIntoView) all[active].scrollIntoView({ block: "nearest" });
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!items().length) return;
        e.preventDefault();
        set(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter" && active >= 0 && items()[active]) {
        e.preventDefault();
        var a = items()[active].querySelector("a");
        if (a) window.location.href = a.href;
      }
    });
    return { reset: function () { set(0); }, clear: function () { active = -1; input.removeAttribute("aria-activedescendant"); } };
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }
  function failed(target, err) {
    target.textContent = "The search index could not be loaded (" + err.message + "). Rebuild the site with `debrief build`, or browse the indexes.";
  }

  // ---- a search box with a drop-down of the best results (header, home page) ----
  function dropdown(form) {
    var input = form.querySelector("input[name=q]");
    var pop = el("div", "search-pop");
    pop.hidden = true;
    var list = el("ol", "results compact");
    list.id = input.id + "-results";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Search results");
    var foot = el("p", "pop-foot");
    pop.appendChild(list);
    pop.appendChild(foot);
    form.appendChild(pop);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-autocomplete", "list");
    var nav = listNav(input, list);
    var seq = 0;
    function close() { pop.hidden = true; input.setAttribute("aria-expanded", "false"); nav.clear(); }
    function open() { pop.hidden = false; input.setAttribute("aria-expanded", "true"); }
    var run = function () {
      var query = input.value, mine = ++seq, t0 = performance.now();
      if (!query.trim()) { close(); return; }
      search(query).then(function (r) {
        if (!r.tokens.length) { if (mine === seq) close(); return; }
        return loadDocs(r.hits.slice(0, PAGE)).then(function (shown) {
          if (mine !== seq) return;
          list.textContent = "";
          shown.forEach(function (d, i) { list.appendChild(resultItem(d, r.tokens, list.id + "-" + i)); });
          foot.textContent = "";
          var all = el("a", null, r.total ? "All " + r.total + " results →" : "No results. Try fewer or shorter words, or browse the indexes →");
          all.href = form.getAttribute("action") + "?q=" + encodeURIComponent(query);
          foot.appendChild(all);
          open();
          nav.reset();
          S.last = { query: query, ms: performance.now() - t0, results: r.total };
        });
      }).catch(function (err) { if (mine === seq) { list.textContent = ""; failed(foot, err); open(); } });
    };
    input.addEventListener("input", debounce(run, 40));
    input.addEventListener("focus", function () { loadManifest().catch(function () {}); if (list.childNodes.length && input.value.trim()) open(); });
    input.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
  }

  // ---- the search page ----------------------------------------------------------
  function searchPage(form) {
    var input = form.querySelector("input[name=q]");
    var list = document.querySelector("[data-search-results]");
    var status = document.querySelector("[data-search-status]");
    var more = document.querySelector("[data-search-more]");
    var help = document.querySelector("[data-search-help]");
    var filterBox = form.querySelector("[data-search-filters]");
    var kindsBox = form.querySelector("[data-search-kinds]");
    var selects = form.querySelectorAll("select[data-search-facet]");
    var nav = listNav(input, list);
    var params = new URLSearchParams(window.location.search);
    var state = { kind: params.get("kind") || "", severity: params.get("severity") || "", service: params.get("service") || "" };
    var seq = 0, hits = [], toks = [], shown = 0;
    input.value = params.get("q") || "";

    loadManifest().then(function () {
      Array.prototype.forEach.call(selects, function (sel) {
        var name = sel.getAttribute("data-search-facet");
        (name === "severity" ? manifest.severities : manifest.services).forEach(function (v) {
          var o = el("option", null, v);
          o.value = v;
          sel.appendChild(o);
        });
        sel.value = state[name];
        sel.addEventListener("change", function () { state[name] = sel.value; run(); });
      });
      filterBox.hidden = false;
    }).catch(function (err) { failed(status, err); });

    function kinds(counts, total) {
      kindsBox.textContent = "";
      [["", "All", total]].concat(["runbook", "incident", "status", "page"].map(function (k) { return [k, KIND_PLURAL[k], counts[k] || 0]; }))
        .forEach(function (k) {
          if (k[0] && !k[2] && state.kind !== k[0]) return;
          var b = el("button", "chip" + (state.kind === k[0] ? " on" : ""), k[1] + " " + k[2]);
          b.type = "button";
          b.setAttribute("aria-pressed", state.kind === k[0] ? "true" : "false");
          b.addEventListener("click", function () { state.kind = k[0]; run(); });
          kindsBox.appendChild(b);
        });
    }
    function remember(query) {
      var p = new URLSearchParams();
      if (query) p.set("q", query);
      ["kind", "severity", "service"].forEach(function (k) { if (state[k]) p.set(k, state[k]); });
      var s = p.toString();
      try { history.replaceState(null, "", s ? "?" + s : window.location.pathname); } catch (e) { /* some file:// setups refuse */ }
    }
    function showMore(first) {
      var page = hits.slice(shown, shown + PAGE);
      return loadDocs(page).then(function (ds) {
        ds.forEach(function (d, i) { list.appendChild(resultItem(d, toks, "result-" + (shown + i))); });
        shown += ds.length;
        more.hidden = shown >= hits.length;
        if (first) nav.reset();
      });
    }
    function run() {
      var query = input.value, mine = ++seq, t0 = performance.now();
      remember(query.trim());
      if (!query.trim()) {
        list.textContent = ""; status.textContent = ""; more.hidden = true; help.hidden = false; kindsBox.textContent = "";
        return;
      }
      search(query, state).then(function (r) {
        if (mine !== seq) return;
        hits = r.hits; toks = r.tokens; shown = 0;
        kinds(r.counts, r.total);
        var filtered = state.kind || state.severity || state.service;
        var n = hits.length;
        list.textContent = "";
        help.hidden = n > 0;
        return showMore(true).then(function () {
          if (mine !== seq) return;
          var ms = performance.now() - t0;
          status.textContent = n
            ? n + (n === 1 ? " result" : " results") + (filtered ? " (filtered)" : "") + " · " + Math.max(1, Math.round(ms)) + " ms"
            : "Nothing matches " + JSON.stringify(query) + (filtered ? " with these filters." : ". Try fewer or shorter words.");
          S.last = { query: query, ms: ms, results: n };
        });
      }).catch(function (err) { if (mine === seq) failed(status, err); });
    }
    form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
    input.addEventListener("input", debounce(run, 40));
    more.addEventListener("click", function () { showMore(false); });
    if (input.value) run();
  }

  // ---- wiring -------------------------------------------------------------------
  var page = document.querySelector("form[data-search-page]");
  if (page) searchPage(page);
  Array.prototype.forEach.call(document.querySelectorAll("form[data-search]:not([data-search-page])"), dropdown);

  // "/" focuses search from anywhere but a text field.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.querySelector("form[data-search-page] input[name=q]") ||
      document.querySelector("main form[data-search] input[name=q]") ||
      document.querySelector("form[data-search] input[name=q]");
    if (!box) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
})();
