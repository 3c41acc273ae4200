// extractor review page. Reads the JSON block #review-data; renders one article (or one page of a list) at a
// time; builds every node with textContent or setAttribute, never with innerHTML.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("review-data").textContent);
  const PAGE_SIZE = 50;
  const articles = new Map(data.articles.map((a) => [a.id, a]));
  const records = new Map(data.records.map((r) => [r.id, r]));
  const events = new Map(data.events.map((e) => [e.id, e]));
  const byArticle = new Map();
  for (const r of data.records) {
    if (!byArticle.has(r.article)) byArticle.set(r.article, []);
    byArticle.get(r.article).push(r);
  }
  const state = { view: "articles", page: 0, article: null, selected: null };
  const $ = (id) => document.getElementById(id);

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function typesShown() {
    return new Set([...document.querySelectorAll(".type-filter")].filter((c) => c.checked).map((c) => c.value));
  }

  function flagMatches(flags) {
    const wanted = $("flag-filter").value;
    if (!wanted) return true;
    if (wanted === "*") return flags.length > 0;
    return flags.some((f) => f.code === wanted);
  }

  function shown(record) {
    return typesShown().has(record.type) && flagMatches(record.flags);
  }

  function listItems() {
    const query = $("search").value.toLowerCase();
    if (state.view === "events") {
      return data.events.filter((e) => flagMatches(e.flags) &&
        (!query || e.participants.join(" ").toLowerCase().includes(query)));
    }
    const filtering = $("flag-filter").value !== "" || typesShown().size < 3;
    return data.articles.filter((a) => (!query || (a.title + " " + a.source).toLowerCase().includes(query)) &&
      (!filtering || (byArticle.get(a.id) || []).some(shown)));
  }

  function renderList() {
    const items = listItems();
    const pages = Math.max(1, Math.ceil(items.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    $("page-info").textContent = `page ${state.page + 1} of ${pages} · ${items.length} ${state.view}`;
    const list = $("list");
    clear(list);
    list.start = state.page * PAGE_SIZE + 1;
    for (const item of items.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE)) {
      list.appendChild(state.view === "events" ? eventItem(item) : articleItem(item));
    }
  }

  function articleItem(article) {
    const li = el("li");
    li.dataset.article = article.id;
    if (article.id === state.article) li.classList.add("current");
    li.appendChild(el("span", article.title || article.source));
    const count = (byArticle.get(article.id) || []).filter(shown).length;
    li.appendChild(el("span", ` (${count})`, "count"));
    li.addEventListener("click", () => openArticle(article.id, null));
    return li;
  }

  function eventItem(event) {
    const li = el("li");
    li.dataset.event = event.id;
    li.appendChild(el("span", `${event.date || "undated"} · ${event.participants.join(", ")}`));
    li.appendChild(el("span", ` (${event.mentions.length} mentions${event.flags.length ? ", flagged" : ""})`, "count"));
    li.addEventListener("click", () => showEvent(event.id));
    return li;
  }

  function segments(text, recs) {
    const spans = [];
    for (const r of recs) {
      for (const [start, end] of r.spans) {
        const s = Math.max(0, start), e = Math.min(text.length, end);
        if (s < e) spans.push([s, e, r.id]);
      }
    }
    const cuts = [...new Set([0, text.length, ...spans.flatMap(([s, e]) => [s, e])])].sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      const a = cuts[i], b = cuts[i + 1];
      const ids = [...new Set(spans.filter(([s, e]) => s <= a && b <= e).map(([, , id]) => id))];
      const last = out[out.length - 1];
      if (last && last.ids.join(" ") === ids.join(" ")) last.end = b;
      else out.push({ start: a, end: b, ids });
    }
    return out;
  }

  function openArticle(id, selectId) {
    state.view = "articles";
    setTab();
    state.article = id;
    const article = articles.get(id);
    $("article-title").textContent = article.title || "(no title)";
    $("article-meta").textContent = `${article.source} · published ${article.published || "?"} · ${article.status} · ${id}`;
    const flags = $("article-flags");
    clear(flags);
    for (const f of article.flags) flags.appendChild(el("li", `${f.code}: ${f.reason}`, "flag"));
    renderText(article);
    renderList();
    if (selectId) selectRecord(selectId, true);
  }

  function renderText(article) {
    const box = $("article-text");
    clear(box);
    const recs = (byArticle.get(article.id) || []).filter(shown);
    const extra = $("unplaced");
    clear(extra);
    if (article.text === null || article.text === undefined) {
      box.appendChild(el("p", "Text not available: the article's source file was not found.", "hint"));
    } else {
      for (const seg of segments(article.text, recs)) {
        const piece = article.text.slice(seg.start, seg.end);
        if (!seg.ids.length) {
          box.appendChild(document.createTextNode(piece));
          continue;
        }
        const types = new Set(seg.ids.map((i) => records.get(i).type));
        const mark = el("mark", piece, types.size === 1 ? [...types][0] : "several");
        mark.dataset.ids = seg.ids.join(" ");
        mark.setAttribute("title", seg.ids.join("\n"));
        mark.addEventListener("click", () => {
          selectRecord(seg.ids[0], false);
          showRecords(seg.ids);
        });
        if (state.selected && seg.ids.includes(state.selected)) mark.classList.add("selected");
        box.appendChild(mark);
      }
    }
    const loose = recs.filter((r) => !r.spans.length || article.text === null || article.text === undefined);
    if (loose.length) {
      extra.appendChild(el("h3", "Records not placed in the text"));
      const ul = el("ul");
      for (const r of loose) {
        const li = el("li", `${r.type} ${r.id}`, "link");
        li.dataset.record = r.id;
        li.addEventListener("click", () => showRecords([r.id]));
        ul.appendChild(li);
      }
      extra.appendChild(ul);
    }
  }

  function selectRecord(id, scroll) {
    state.selected = id;
    let first = null;
    for (const mark of document.querySelectorAll("#article-text mark")) {
      const on = mark.dataset.ids.split(" ").includes(id);
      mark.classList.toggle("selected", on);
      if (on && !first) first = mark;
    }
    if (first && scroll) first.scrollIntoView({ block: "center" });
    showRecords([id]);
  }

  function row(dl, label, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", label));
    const dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = String(value);
    dl.appendChild(dd);
  }

  function actorText(a) {
    const extra = [a.qid, a.country].filter(Boolean).join(", ");
    const written = a.written !== a.name ? ` (“${a.written}”)` : "";
    return `${a.name}${written}${extra ? " [" + extra + "]" : ""}`;
  }

  function link(text, onClick) {
    const a = el("a", text, "link");
    a.addEventListener("click", onClick);
    return a;
  }

  function recordView(r) {
    const box = el("div", null, "record " + r.type);
    box.dataset.id = r.id;
    box.appendChild(el("h3", `${r.type} ${r.id}`));
    const dl = el("dl");
    if (r.type === "meeting") {
      row(dl, "participants", r.participants.map(actorText).join("; "));
      row(dl, "status", r.status);
      row(dl, "format", r.format);
      const d = r.date;
      row(dl, "date", `${d.iso || "unresolved"} (${d.precision}) by ${d.method}, confidence ${d.confidence}` +
        (d.expression ? ` · “${d.expression}”` : ""));
      if (r.place) row(dl, "place", Object.values(r.place).join(", "));
    } else if (r.type === "statement") {
      row(dl, "speaker", actorText(r.speaker));
      row(dl, "kind", r.kind);
      row(dl, "text", r.text);
      row(dl, "meeting", r.meeting ? link(r.meeting, () => selectRecord(r.meeting, true)) : null);
    } else {
      row(dl, "holder", actorText(r.holder));
      row(dl, "issue", r.issue);
      row(dl, "stance", r.stance);
      row(dl, "summary", r.text);
    }
    row(dl, "codes", r.code || "none");
    row(dl, "event", r.event ? link(r.event, () => showEvent(r.event)) : null);
    box.appendChild(dl);
    const flags = el("ul");
    for (const f of r.flags) flags.appendChild(el("li", `${f.code}: ${f.reason}`, "flag"));
    if (r.flags.length) box.appendChild(flags);
    for (const text of r.unplaced) box.appendChild(el("p", `evidence not placed: “${text}”`, "hint"));
    return box;
  }

  function showRecords(ids) {
    const pane = $("record-pane");
    clear(pane);
    for (const id of ids) pane.appendChild(recordView(records.get(id)));
  }

  function showEvent(id) {
    const e = events.get(id);
    const pane = $("record-pane");
    clear(pane);
    const box = el("div", null, "record event");
    box.dataset.id = e.id;
    box.appendChild(el("h3", `event ${e.id}`));
    const dl = el("dl");
    row(dl, "status", e.status);
    row(dl, "date", `${e.date || "unresolved"} (${e.precision})`);
    row(dl, "participants", e.participants.join("; "));
    row(dl, "CAMEO", e.code);
    for (const l of e.links) row(dl, l.relation, link(l.event, () => showEvent(l.event)));
    box.appendChild(dl);
    for (const f of e.flags) box.appendChild(el("p", `${f.code}: ${f.reason}`, "flag"));
    box.appendChild(el("h3", "mentions"));
    const ul = el("ul", null, "event-mentions");
    for (const m of e.mentions) {
      const article = articles.get(m.article);
      const li = el("li");
      const a = link(`${article ? article.title || article.source : m.article} · ${m.record}`,
        () => openArticle(m.article, m.record));
      a.dataset.record = m.record;
      li.appendChild(a);
      if (m.date) li.appendChild(el("span", ` (${m.date})`, "count"));
      ul.appendChild(li);
    }
    box.appendChild(ul);
    pane.appendChild(box);
  }

  function setTab() {
    $("tab-articles").classList.toggle("active", state.view === "articles");
    $("tab-events").classList.toggle("active", state.view === "events");
  }

  function rerender() {
    state.page = 0;
    renderList();
    if (state.article) renderText(articles.get(state.article));
  }

  for (const code of data.flag_codes) {
    const option = el("option", code);
    option.value = code;
    $("flag-filter").appendChild(option);
  }
  for (const box of document.querySelectorAll(".type-filter")) box.addEventListener("change", rerender);
  $("flag-filter").addEventListener("change", rerender);
  $("search").addEventListener("input", rerender);
  $("prev").addEventListener("click", () => { state.page = Math.max(0, state.page - 1); renderList(); });
  $("next").addEventListener("click", () => { state.page += 1; renderList(); });
  $("tab-articles").addEventListener("click", () => { state.view = "articles"; state.page = 0; setTab(); renderList(); });
  $("tab-events").addEventListener("click", () => { state.view = "events"; state.page = 0; setTab(); renderList(); });
  renderList();
  if (data.articles.length) openArticle(data.articles[0].id, null);
})();
