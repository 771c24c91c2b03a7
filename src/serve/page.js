// lede's search page. The state lives in the URL (q, f=FIELD=VALUE, x=FIELD=VALUE, since,
// until, sort, p, a), so a search can be shared as a link and Back works. Everything is
// fetched from this server's /api, which answers with the JSON `lede ... --json` prints.
// Highlights come as byte ranges of UTF-8 text; JS strings count UTF-16 units, so text is
// cut as bytes (TextEncoder) and each piece decoded back.
"use strict";

const PAGE_SIZE = 10;
const MAX_OFFSET = 100000;
const DEBOUNCE_MS = 200;
// The facets of the sidebar, in order, and how many values each shows.
const FACETS = [
  ["source", 8], ["section", 8], ["topic", 8], ["author", 8], ["place", 8],
  ["person", 8], ["org", 8], ["language", 6], ["format", 6], ["year", 12],
];
// Months for the histogram: every one there is (the server allows 5000).
const MONTHS = 3000;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
};
const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attrs = {}) => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};
const fmt = (n) => n.toLocaleString("en");

// ---- state <-> URL ----

function readState() {
  const u = new URLSearchParams(location.search);
  return {
    q: u.get("q") || "",
    f: u.getAll("f"),
    x: u.getAll("x"),
    since: u.get("since") || "",
    until: u.get("until") || "",
    sort: u.get("sort") || "relevance",
    p: Math.max(1, parseInt(u.get("p") || "1", 10) || 1),
    a: u.get("a") || "",
  };
}

function stateUrl(s) {
  const u = new URLSearchParams();
  if (s.q) u.set("q", s.q);
  for (const f of s.f) u.append("f", f);
  for (const x of s.x) u.append("x", x);
  if (s.since) u.set("since", s.since);
  if (s.until) u.set("until", s.until);
  if (s.sort && s.sort !== "relevance") u.set("sort", s.sort);
  if (s.p > 1) u.set("p", String(s.p));
  if (s.a) u.set("a", s.a);
  const text = u.toString();
  return text ? "?" + text : location.pathname;
}

let state = readState();
// Whether the last history entry was made by typing (typing replaces it rather than piling up
// an entry per keystroke).
let typing = false;

function go(next, { replace = false, fromTyping = false } = {}) {
  const url = stateUrl(next);
  const fromSearch = !!next.a && !state.a;
  if (replace || (fromTyping && typing)) history.replaceState({ fromSearch }, "", url);
  else history.pushState({ fromSearch }, "", url);
  typing = fromTyping;
  state = next;
  render();
}

window.addEventListener("popstate", () => {
  typing = false;
  state = readState();
  render();
});

// ---- talking to the API ----

let seq = 0;
let inFlight = null;

async function api(path) {
  if (inFlight) inFlight.abort();
  inFlight = new AbortController();
  const res = await fetch(path, { signal: inFlight.signal });
  let body;
  try {
    body = await res.json();
  } catch (e) {
    throw new Error(`the server answered ${res.status}`);
  }
  if (!res.ok) throw new Error(body.error || `the server answered ${res.status}`);
  return body;
}

/// The query sent: the box's text, less the excluded values (written in the query language,
/// so that the API needs no parameter the CLI lacks).
function apiQuery(s) {
  let q = s.q.trim();
  if (!s.x.length) return q;
  const nots = s.x.map((x) => {
    const [field, value] = splitPair(x);
    const field2 = field === "year" || field === "month" ? "date" : field;
    return ` -${field2}:"${value.replace(/"/g, "")}"`;
  });
  return `(${q})` + nots.join("");
}

function splitPair(pair) {
  const i = pair.indexOf("=");
  return i < 0 ? [pair, ""] : [pair.slice(0, i), pair.slice(i + 1)];
}

function searchPath(s) {
  const u = new URLSearchParams();
  u.set("q", apiQuery(s));
  u.set("limit", String(PAGE_SIZE));
  u.set("offset", String(Math.min((s.p - 1) * PAGE_SIZE, MAX_OFFSET)));
  u.set("passages", "2");
  if (s.sort !== "relevance") u.set("sort", s.sort);
  for (const f of s.f) u.append("filter", f);
  if (s.since) u.set("since", s.since);
  if (s.until) u.set("until", s.until);
  // Sections count one level below the section chosen, when one is.
  const sections = s.f.filter((f) => f.startsWith("section="));
  for (const [field, size] of FACETS) {
    if (field === "section" && sections.length === 1) {
      u.append("facet", `section=${splitPair(sections[0])[1]}=${size}`);
    } else {
      u.append("facet", `${field}=${size}`);
    }
  }
  u.append("facet", `month=${MONTHS}`);
  return "/api/search?" + u.toString();
}

// ---- byte ranges to marks ----

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/// Appends `text` to `node` with the byte ranges `ranges` (relative to `base`) as <mark>s.
function marked(node, text, ranges, base = 0) {
  const bytes = encoder.encode(text);
  let pos = 0;
  for (const [start, end] of ranges) {
    const a = Math.max(start - base, pos);
    const b = Math.min(end - base, bytes.length);
    if (b <= a) continue;
    if (a > pos) node.append(decoder.decode(bytes.subarray(pos, a)));
    node.append(el("mark", {}, decoder.decode(bytes.subarray(a, b))));
    pos = b;
  }
  if (pos < bytes.length) node.append(decoder.decode(bytes.subarray(pos)));
  return node;
}

// ---- rendering ----

function render() {
  // While typing, the box is ahead of the state: leave it alone.
  if ($("q").value !== state.q && !(typing && document.activeElement === $("q"))) {
    $("q").value = state.q;
  }
  $("sort").value = state.sort;
  if (state.a) {
    showArticle(state);
  } else {
    $("main").classList.remove("reading");
    $("article").hidden = true;
    runSearch(state);
  }
}

function meta(a) {
  const parts = [];
  if (a.date) parts.push(a.date.slice(0, 10));
  if (a.source) parts.push(a.source);
  if (a.authors && a.authors.length) parts.push(a.authors.join(", "));
  if (a.section && a.section !== "/") parts.push(a.section);
  return parts.join(" · ");
}

function clearResults() {
  for (const id of ["facets", "chips", "histogram", "hits", "pager"]) $(id).replaceChildren();
}

async function runSearch(s) {
  const mine = ++seq;
  renderChips(s);
  if (!s.q.trim()) {
    clearResults();
    renderChips(s);
    $("status").className = "";
    $("status").textContent = "Type to search.";
    try {
      const stats = await api("/api/stats");
      if (mine === seq) {
        $("status").textContent = `Type to search ${fmt(stats.articles)} articles.`;
      }
    } catch (e) {
      /* the hint above will do */
    }
    return;
  }
  $("status").className = "";
  let r;
  try {
    r = await api(searchPath(s));
  } catch (e) {
    if (e.name === "AbortError" || mine !== seq) return;
    clearResults();
    renderChips(s);
    $("status").className = "error";
    $("status").textContent = e.message;
    return;
  }
  if (mine !== seq) return;
  const facets = r.facets.filter((f) => f.field !== "month");
  const months = r.facets.find((f) => f.field === "month");
  renderFacets(s, facets);
  loadTerms(s);
  renderHistogram(s, months ? months.values : []);
  const first = r.total ? r.offset + 1 : 0;
  const last = r.offset + r.hits.length;
  let text = r.total
    ? `${fmt(first)}–${fmt(last)} of ${fmt(r.total)} articles (${r.took_ms.toFixed(1)} ms)`
    : "No article matches.";
  if (r.mode === "any" && r.total) text += " · not every word is in every article";
  if (r.notes.length) text += " · " + r.notes.join("; ");
  $("status").textContent = text;
  renderHits(s, r.hits);
  renderPager(s, r.total);
}

function renderHits(s, hits) {
  const list = $("hits");
  list.replaceChildren();
  for (const h of hits) {
    // The title's matched words are marked as the passages' are (the same byte ranges).
    const link = el("a", { class: "title", href: stateUrl({ ...s, a: h.id }) });
    if (h.title) marked(link, h.title, h.title_highlights || []);
    else link.append(h.path);
    link.addEventListener("click", (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button !== 0) return;
      ev.preventDefault();
      go({ ...state, a: h.id });
    });
    const li = el("li", { class: "hit", "data-id": h.id }, link, el("div", { class: "meta" }, meta(h)));
    for (const p of h.passages) {
      const para = el("p", { class: "passage" });
      if (p.cut_before) para.append("… ");
      marked(para, p.text, p.highlights);
      if (p.cut_after) para.append(" …");
      li.append(para);
    }
    list.append(li);
  }
  selected = -1;
}

function renderPager(s, total) {
  const pager = $("pager");
  pager.replaceChildren();
  const pages = Math.min(Math.ceil(total / PAGE_SIZE), Math.floor(MAX_OFFSET / PAGE_SIZE) + 1);
  if (pages <= 1) return;
  const to = (p) => () => {
    go({ ...state, p });
    window.scrollTo(0, 0);
  };
  const prev = el("button", { type: "button", onclick: to(s.p - 1) }, "← Previous");
  prev.disabled = s.p <= 1;
  const next = el("button", { type: "button", onclick: to(s.p + 1) }, "Next →");
  next.disabled = s.p >= pages;
  pager.append(prev, el("span", {}, `Page ${fmt(s.p)} of ${fmt(pages)}`), next);
}

function renderChips(s) {
  const chips = $("chips");
  chips.replaceChildren();
  const chip = (label, cls, change) =>
    chips.append(el("button", { type: "button", class: "chip " + cls, title: "Remove", onclick: () => go({ ...state, ...change(), p: 1 }) }, label + " ×"));
  for (const f of s.f) chip(f.replace("=", ": "), "", () => ({ f: state.f.filter((v) => v !== f) }));
  for (const x of s.x) chip(x.replace("=", ": "), "not", () => ({ x: state.x.filter((v) => v !== x) }));
  if (s.since || s.until) {
    chip(`${s.since || "…"} to ${s.until || "…"}`, "", () => ({ since: "", until: "" }));
  }
}

function renderFacets(s, facets) {
  const side = $("facets");
  side.replaceChildren();
  for (const facet of facets) {
    if (!facet.values.length) continue;
    const list = el("ul");
    for (const v of facet.values) {
      let value = v.value;
      if (facet.field === "section") value = (facet.under || "").replace(/\/$/, "") + "/" + v.value;
      const pair = `${facet.field}=${value}`;
      const on = s.f.includes(pair);
      const button = el(
        "button",
        {
          type: "button", class: "value", title: on ? "Stop filtering on this" : "Only these",
          "data-value": value,
          onclick: () => go({
            ...state,
            f: on ? state.f.filter((f) => f !== pair) : [...state.f, pair],
            p: 1,
          }),
        },
        el("span", { class: "name" }, facet.field === "section" ? v.value : v.value || "(none)"),
        el("span", { class: "count" }, fmt(v.count)),
      );
      const exclude = el("button", {
        type: "button", class: "exclude", title: `Leave out ${v.value}`, "aria-label": `Leave out ${v.value}`,
        onclick: () => go({ ...state, x: [...state.x.filter((x) => x !== pair), pair], f: state.f.filter((f) => f !== pair), p: 1 }),
      }, "−");
      list.append(el("li", { class: on ? "on" : "" }, button, exclude));
    }
    const title = facet.field === "section" && facet.under && facet.under !== "/" ? `section ${facet.under}` : facet.field;
    side.append(el("section", { "data-field": facet.field }, el("h2", {}, title), list));
  }
}

// ---- distinctive words ----

// The words and phrases that set the matches apart from the whole archive (/api/terms, as
// `lede terms`), from the best-scoring TERMS_SAMPLE matches, below the facets. Fetched apart
// from the hits, so that a slow answer never holds them up; kept while only the page or the
// order changes. Clicking one adds it to the query.
const TERMS = 10;
const TERMS_SAMPLE = 200;
let terms = { path: "", box: null };
let termsFlight = null;

async function loadTerms(s) {
  const u = new URLSearchParams();
  u.set("q", apiQuery(s));
  u.set("limit", String(TERMS));
  u.set("sample", String(TERMS_SAMPLE));
  for (const f of s.f) u.append("filter", f);
  if (s.since) u.set("since", s.since);
  if (s.until) u.set("until", s.until);
  const path = "/api/terms?" + u.toString();
  if (terms.path === path) {
    if (terms.box) $("facets").append(terms.box);
    return;
  }
  if (termsFlight) termsFlight.abort();
  termsFlight = new AbortController();
  terms = { path, box: null };
  let r;
  try {
    const res = await fetch(path, { signal: termsFlight.signal });
    if (!res.ok) return;
    r = await res.json();
  } catch (e) {
    return; // aborted by a newer search, or no answer: the box is only a help
  }
  if (terms.path !== path || !r.terms.length) return;
  const list = el("ul");
  for (const t of r.terms) {
    const words = t.kind === "phrase" ? `"${t.term}"` : t.term;
    list.append(el("li", {}, el(
      "button",
      {
        type: "button", class: "value",
        title: `in ${fmt(t.fg)} of the ${fmt(r.foreground)} best matches; ${fmt(t.bg)} articles in all`,
        onclick: () => go({ ...state, q: `${state.q.trim()} ${words}`, p: 1 }),
      },
      el("span", { class: "name" }, t.term),
      el("span", { class: "count" }, fmt(t.fg)),
    )));
  }
  terms.box = el("div", { class: "terms" }, el("h2", {}, "distinctive words"), list);
  $("facets").append(terms.box);
}

// ---- the date histogram ----

/// Month counts as a run of buckets without gaps: by month over ten years or less, else by year.
function buckets(values) {
  const counts = new Map();
  for (const v of values) if (/^\d{4}-\d{2}$/.test(v.value)) counts.set(v.value, v.count);
  if (!counts.size) return [];
  const keys = [...counts.keys()].sort();
  const [y0, m0] = keys[0].split("-").map(Number);
  const [y1, m1] = keys[keys.length - 1].split("-").map(Number);
  const span = (y1 - y0) * 12 + (m1 - m0) + 1;
  const out = [];
  if (span <= 120) {
    for (let i = 0; i < span; i++) {
      const y = y0 + Math.floor((m0 - 1 + i) / 12);
      const m = ((m0 - 1 + i) % 12) + 1;
      const label = `${y}-${String(m).padStart(2, "0")}`;
      out.push({ label, count: counts.get(label) || 0 });
    }
  } else {
    const years = new Map();
    for (const [k, c] of counts) years.set(k.slice(0, 4), (years.get(k.slice(0, 4)) || 0) + c);
    for (let y = y0; y <= y1; y++) out.push({ label: String(y), count: years.get(String(y)) || 0 });
  }
  return out;
}

function renderHistogram(s, values) {
  const fig = $("histogram");
  fig.replaceChildren();
  const bs = buckets(values);
  if (!bs.length) return;
  const W = 800, H = 90, top = 4, base = 74;
  const max = Math.max(...bs.map((b) => b.count), 1);
  const step = W / bs.length;
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none", role: "img" });
  const inRange = (label) =>
    (s.since || s.until) && (!s.since || label >= s.since.slice(0, label.length)) &&
    (!s.until || label <= s.until.slice(0, label.length));
  bs.forEach((b, i) => {
    const h = b.count ? Math.max(1.5, ((base - top) * b.count) / max) : 0;
    const bar = svg("rect", {
      class: "bar" + (inRange(b.label) ? " on" : ""), x: (i * step + step * 0.1).toFixed(2),
      y: (base - h).toFixed(2), width: (step * 0.8).toFixed(2), height: h.toFixed(2),
      "data-label": b.label,
    });
    const tip = svg("title");
    tip.textContent = `${b.label}: ${fmt(b.count)}`;
    bar.append(tip);
    chart.append(bar);
  });
  // Labels: the first and a few after it, evenly spaced.
  const every = Math.max(1, Math.ceil(bs.length / 8));
  bs.forEach((b, i) => {
    if (i % every) return;
    const t = svg("text", { x: (i * step + step / 2).toFixed(2), y: H - 2, "text-anchor": "middle" });
    t.textContent = b.label;
    chart.append(t);
  });
  const brush = svg("rect", { class: "brush", y: 0, height: base, x: 0, width: 0, visibility: "hidden" });
  chart.append(brush);
  // A drag (or a click) across bars keeps the dates from the first bucket to the last.
  const bucketAt = (ev) => {
    const r = chart.getBoundingClientRect();
    const x = ((ev.clientX - r.left) / r.width) * W;
    return Math.max(0, Math.min(bs.length - 1, Math.floor(x / step)));
  };
  let from = null;
  const draw = (a, b) => {
    const lo = Math.min(a, b), hi = Math.max(a, b);
    brush.setAttribute("x", (lo * step).toFixed(2));
    brush.setAttribute("width", ((hi - lo + 1) * step).toFixed(2));
    brush.setAttribute("visibility", "visible");
  };
  chart.addEventListener("pointerdown", (ev) => {
    from = bucketAt(ev);
    chart.setPointerCapture(ev.pointerId);
    draw(from, from);
  });
  chart.addEventListener("pointermove", (ev) => {
    if (from !== null) draw(from, bucketAt(ev));
  });
  chart.addEventListener("pointerup", (ev) => {
    if (from === null) return;
    const to = bucketAt(ev);
    const lo = Math.min(from, to), hi = Math.max(from, to);
    from = null;
    go({ ...state, since: bs[lo].label, until: bs[hi].label, p: 1 });
  });
  const cap = el("figcaption", {}, "Matches by " + (bs[0].label.length === 4 ? "year" : "month") +
    ": drag across the bars to keep those dates.");
  fig.append(chart, cap);
}

// ---- one article ----

let marks = [];
let currentMark = -1;

async function showArticle(s) {
  const mine = ++seq;
  const view = $("article");
  $("main").classList.add("reading");
  view.hidden = false;
  let path = "/api/articles/" + encodeURIComponent(s.a);
  const q = apiQuery(s);
  if (q.trim()) path += "?q=" + encodeURIComponent(q);
  let r;
  try {
    r = await api(path);
  } catch (e) {
    if (e.name === "AbortError" || mine !== seq) return;
    view.replaceChildren(backButton(), el("p", { class: "error" }, e.message));
    return;
  }
  if (mine !== seq) return;
  const a = r.article;
  const count = r.matches.length;
  const head = [backButton(), marked(el("h1"), a.title, r.title_matches), el("div", { class: "meta" }, meta(a))];
  const where = el("div", { class: "meta" }, a.path);
  if (a.url && /^https?:\/\//.test(a.url)) {
    where.append(" · ", el("a", { href: a.url, rel: "noopener noreferrer" }, "original"));
  }
  head.push(where);
  if (q.trim()) {
    head.push(el("p", { class: "notes" }, count
      ? `${count} ${count === 1 ? "match" : "matches"} of “${s.q}” marked (n / N to step through them)`
      : `“${s.q}” is not in the body of this article`));
  }
  const body = el("ol", { class: "body" });
  for (const p of r.paragraphs) {
    const end = p.offset + encoder.encode(p.text).length;
    const inside = r.matches.filter(([m0, m1]) => m1 > p.offset && m0 < end);
    body.append(marked(el("li", { value: String(p.number) }), p.text, inside, p.offset));
  }
  view.replaceChildren(...head, body);
  marks = [...body.querySelectorAll("mark")];
  currentMark = -1;
  window.scrollTo(0, 0);
  view.focus({ preventScroll: true });
}

function backButton() {
  return el("button", { type: "button", class: "back", onclick: back }, "← Back to the results");
}

function back() {
  if (history.state && history.state.fromSearch) history.back();
  else go({ ...state, a: "" });
}

function stepMark(d) {
  if (!marks.length) return;
  if (currentMark >= 0) marks[currentMark].classList.remove("current");
  currentMark = (currentMark + d + marks.length) % marks.length;
  marks[currentMark].classList.add("current");
  marks[currentMark].scrollIntoView({ block: "center" });
}

// ---- input and keys ----

let timer = null;
$("q").addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => {
    const q = $("q").value;
    if (q === state.q) return;
    go({ ...state, q, p: 1, a: "" }, { fromTyping: true });
  }, DEBOUNCE_MS);
});

$("form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  clearTimeout(timer);
  if (selected >= 0) return openSelected();
  const q = $("q").value;
  if (q !== state.q) go({ ...state, q, p: 1, a: "" });
});

$("sort").addEventListener("change", () => go({ ...state, sort: $("sort").value, p: 1 }));

let selected = -1;

function select(i) {
  const hits = [...document.querySelectorAll("#hits .hit")];
  if (!hits.length) return;
  selected = Math.max(0, Math.min(hits.length - 1, i));
  hits.forEach((h, j) => h.classList.toggle("selected", j === selected));
  hits[selected].scrollIntoView({ block: "nearest" });
}

function openSelected() {
  const hit = document.querySelectorAll("#hits .hit")[selected];
  if (hit) go({ ...state, a: hit.dataset.id });
}

document.addEventListener("keydown", (ev) => {
  const inBox = document.activeElement === $("q");
  const typingElsewhere = !inBox && /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName);
  if (ev.ctrlKey || ev.metaKey || ev.altKey || typingElsewhere) return;
  if (ev.key === "/" && !inBox) {
    ev.preventDefault();
    if (state.a) back();
    $("q").focus();
    $("q").select();
    return;
  }
  if (state.a) {
    if (ev.key === "Escape") { ev.preventDefault(); back(); }
    else if (ev.key === "n" && !inBox) stepMark(1);
    else if (ev.key === "N" && !inBox) stepMark(-1);
    return;
  }
  if (ev.key === "ArrowDown") { ev.preventDefault(); select(selected + 1); }
  else if (ev.key === "ArrowUp") { ev.preventDefault(); select(selected - 1); }
  else if (ev.key === "Enter" && !inBox && selected >= 0) { ev.preventDefault(); openSelected(); }
  else if (ev.key === "Escape") {
    if (selected >= 0) {
      selected = -1;
      document.querySelectorAll("#hits .hit").forEach((h) => h.classList.remove("selected"));
    } else if (inBox) $("q").blur();
  }
});

$("q").value = state.q;
render();
if (!state.a) $("q").focus();
