// modasearch shop page: plain JavaScript over the REST API, no external assets.
"use strict";

const PAGE_SIZE = 24;
const FACET_VALUES_SHOWN = 6;
const MAX_UPLOAD = 10 * 1024 * 1024;
const COLOURS = {
  black: "#141414", white: "#fafafa", grey: "#8a8a8a", gray: "#8a8a8a", blue: "#2f5fbf", navy: "#1f2850",
  red: "#c8282d", maroon: "#782030", pink: "#f096b4", purple: "#6e328c", green: "#2f8c45", yellow: "#f0d232",
  orange: "#f0821e", brown: "#6e4628", beige: "#e6d7b9", cream: "#f5eedc", khaki: "#b4aa78", olive: "#6e7837",
  gold: "#d2aa3c", silver: "#c0c0c8", turquoise: "#32b4b4", teal: "#1e7878", lilac: "#c8a0dc", mustard: "#d2aa28",
};

const $ = (id) => document.getElementById(id);
// mode "": the server's default pipeline decides; exact: the shopper asked to search their words as typed
const state = { query: "", mode: "", sort: "", filters: {}, page: 1, photo: null, steer: "", exact: false };
let photoUrl = null;

async function api(path, options = {}) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function setStatus(text, isError = false) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

// ---- URL state: the back button and shared links work ------------------------------------
function writeUrl() {
  const params = new URLSearchParams();
  if (state.query) params.set("q", state.query);
  if (state.mode) params.set("mode", state.mode);
  if (state.exact) params.set("exact", "1");
  if (state.page > 1) params.set("page", String(state.page));
  if (Object.keys(state.filters).length) params.set("filters", JSON.stringify(state.filters));
  const hash = params.toString();
  if (location.hash.slice(1) !== hash) history.pushState(null, "", hash ? `#${hash}` : location.pathname);
}

function readUrl() {
  const params = new URLSearchParams(location.hash.slice(1));
  state.query = params.get("q") || "";
  state.mode = params.get("mode") || "";
  state.exact = params.get("exact") === "1";
  state.page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  try { state.filters = JSON.parse(params.get("filters") || "{}"); } catch { state.filters = {}; }
  $("q").value = state.query;
  $("mode").value = state.mode;
}

// ---- searching -----------------------------------------------------------------------------
function activeFilters() {
  const out = {};
  for (const [field, values] of Object.entries(state.filters)) if (values.length) out[field] = values;
  return Object.keys(out).length ? out : null;
}

// The body of POST /search for the current state: the fields of the API's SearchRequest schema; what
// it leaves out comes from the server's default preset, as for every other client.
function searchBody(offset = (state.page - 1) * PAGE_SIZE) {
  const body = { query: state.query, page: { k: PAGE_SIZE, offset }, filters: activeFilters(), facets: { limit: 12 } };
  if (state.mode) body.retrieval = { mode: state.mode };
  if (state.sort) body.arrangement = { sort_by: "price", descending: state.sort === "price-desc" };
  if (state.exact) body.understanding = { spelling: false };
  return body;
}

function showNothing(what, suggestions) {
  setStatus(`Nothing found for ${what}.`);
  if (!suggestions.length) return;
  const status = $("status");
  status.append(" Try: ");
  suggestions.forEach((text, i) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = text;
    button.addEventListener("click", () => { $("q").value = text; submitQuery(); });
    status.append(...(i ? [", ", button] : [button]));
  });
}

function showCorrection(results) {
  const note = $("corrected");
  note.replaceChildren();
  note.hidden = !results || !results.corrected;
  if (note.hidden) return;
  const instead = document.createElement("button");
  instead.type = "button";
  instead.className = "link";
  instead.textContent = state.query;
  instead.addEventListener("click", () => { state.exact = true; state.page = 1; runSearch(); });
  const shown = document.createElement("strong");
  shown.textContent = results.corrected;
  note.append("Showing results for ", shown, " · search instead for ", instead);
}

async function runSearch({ push = true } = {}) {
  if (push) writeUrl();
  const offset = (state.page - 1) * PAGE_SIZE;
  const filters = activeFilters();
  try {
    let results, facets;
    if (state.photo) {
      const form = new FormData();
      form.append("file", state.photo);
      if (state.steer) form.append("text", state.steer);
      if (filters) form.append("filters", JSON.stringify(filters));
      form.append("k", String(PAGE_SIZE));
      form.append("offset", String(offset));
      const facetUrl = "/facets?limit=12" + (filters ? `&filters=${encodeURIComponent(JSON.stringify(filters))}` : "");
      [results, facets] = await Promise.all([api("/search/image", { method: "POST", body: form }), api(facetUrl)]);
    } else if (state.query) {
      const body = searchBody(offset);
      results = await api("/search", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      facets = results.facets;
    } else {
      facets = await api("/facets?limit=12" + (filters ? `&filters=${encodeURIComponent(JSON.stringify(filters))}` : ""));
      renderFacets(facets);
      renderChips();
      showCorrection(null);
      $("results").replaceChildren();
      $("pager").replaceChildren();
      setStatus(`${facets.total} products. Type what you are looking for, or search with a photo.`);
      return;
    }
    renderFacets(facets);
    renderChips();
    showCorrection(results);
    renderResults($("results"), results.hits);
    renderPager(facets, results.hits.length);
    const first = offset + 1, last = offset + results.hits.length;
    const what = state.photo ? "your photo" : `“${state.query}”`;
    const matching = facets && facets.match === "all" ? ` · ${facets.total} contain every word` : "";
    if (results.hits.length) setStatus(`Showing ${first}–${last} for ${what}${matching} (${Math.round(results.took_ms)} ms)`);
    else showNothing(what, results.suggestions || []);
  } catch (error) {
    setStatus(error.message, true);
  }
}

// ---- rendering -----------------------------------------------------------------------------
function colourOf(attributes) {
  for (const value of Object.values(attributes || {})) {
    const words = String(value).toLowerCase().split(/[\s/-]+/);
    for (const word of words.reverse()) if (COLOURS[word]) return COLOURS[word];
  }
  return null;
}

function productType(product) {
  const a = product.attributes || {};
  return a.articleType || a.product_type_name || a.product_type || a.type || a.category || "";
}

function thumbnail(product) {
  if (product.image_url) {
    const img = document.createElement("img");
    img.src = product.image_url;
    img.alt = product.title;
    img.loading = "lazy";
    return img;
  }
  const box = document.createElement("span");
  box.className = "placeholder";
  const colour = colourOf(product.attributes);
  if (colour) {
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = colour;
    box.append(swatch);
  }
  box.append(productType(product) || "No photo");
  return box;
}

function renderResults(list, hits) {
  const template = $("card");
  list.replaceChildren(...hits.map(({ product }) => {
    const card = template.content.firstElementChild.cloneNode(true);
    card.querySelector(".thumb").append(thumbnail(product));
    card.querySelector(".title").textContent = product.title;
    const a = product.attributes || {};
    const colour = a.baseColour || a.colour_group_name || a.colour || "";
    card.querySelector(".meta").textContent = [productType(product), colour].filter(Boolean).join(" · ");
    card.querySelector(".price").textContent = product.price != null ? product.price.toFixed(2) : "";
    card.querySelector(".card-open").addEventListener("click", () => openProduct(product.id));
    card.dataset.id = product.id;
    return card;
  }));
}

function renderFacets(result) {
  const aside = $("facets");
  aside.replaceChildren();
  if (!result) return;
  for (const [field, values] of Object.entries(result.facets)) {
    if (!values.length) continue;
    const fieldset = document.createElement("fieldset");
    fieldset.dataset.field = field;
    const legend = document.createElement("legend");
    legend.textContent = field.replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
    fieldset.append(legend);
    const chosen = state.filters[field] || [];
    values.forEach(({ value, count }, i) => {
      const label = document.createElement("label");
      if (i >= FACET_VALUES_SHOWN && !chosen.includes(value)) label.hidden = true;
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = value;
      box.checked = chosen.includes(value);
      box.addEventListener("change", () => toggleFilter(field, value, box.checked));
      const name = document.createElement("span");
      name.textContent = value;
      const number = document.createElement("span");
      number.className = "count";
      number.textContent = count;
      label.append(box, name, number);
      fieldset.append(label);
    });
    if (values.length > FACET_VALUES_SHOWN) {
      const more = document.createElement("button");
      more.type = "button";
      more.className = "more";
      more.textContent = "Show more";
      more.addEventListener("click", () => {
        fieldset.querySelectorAll("label[hidden]").forEach((l) => { l.hidden = false; });
        more.remove();
      });
      fieldset.append(more);
    }
    aside.append(fieldset);
  }
}

function renderChips() {
  const chips = [];
  for (const [field, values] of Object.entries(state.filters)) {
    for (const value of values) {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = `${value} ×`;
      chip.setAttribute("aria-label", `Remove filter ${field} ${value}`);
      chip.addEventListener("click", () => toggleFilter(field, value, false));
      chips.push(chip);
    }
  }
  $("chips").replaceChildren(...chips);
}

function renderPager(facets, shown) {
  const nav = $("pager");
  const keywordTotal = facets && facets.match === "all" ? facets.total : null;
  const pages = keywordTotal != null ? Math.ceil(keywordTotal / PAGE_SIZE) : state.page + (shown === PAGE_SIZE ? 1 : 0);
  const last = Math.min(Math.max(pages, state.page), 40);
  const buttons = [];
  const add = (label, page, current = false, disabled = false) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.disabled = disabled;
    if (current) b.setAttribute("aria-current", "page");
    b.addEventListener("click", () => { state.page = page; runSearch(); window.scrollTo(0, 0); });
    buttons.push(b);
  };
  if (last <= 1) { nav.replaceChildren(); return; }
  add("‹ Previous", state.page - 1, false, state.page === 1);
  for (let p = Math.max(1, state.page - 3); p <= Math.min(last, state.page + 3); p++) add(String(p), p, p === state.page);
  add("Next ›", state.page + 1, false, state.page >= last || shown < PAGE_SIZE);
  nav.replaceChildren(...buttons);
}

function toggleFilter(field, value, on) {
  const values = new Set(state.filters[field] || []);
  if (on) values.add(value); else values.delete(value);
  if (values.size) state.filters[field] = [...values]; else delete state.filters[field];
  state.page = 1;
  runSearch();
}

// ---- product view --------------------------------------------------------------------------
async function openProduct(id) {
  const dialog = $("product");
  try {
    const product = await api(`/products/${encodeURIComponent(id)}`);
    $("product-title").textContent = product.title;
    $("product-price").textContent = product.price != null ? product.price.toFixed(2) : "";
    $("product-photo").replaceChildren(thumbnail(product));
    $("product-description").textContent = product.description || "";
    const rows = [];
    for (const [key, value] of Object.entries(product.attributes || {})) {
      const dt = document.createElement("dt");
      dt.textContent = key.replace(/_/g, " ");
      const dd = document.createElement("dd");
      dd.textContent = value;
      rows.push(dt, dd);
    }
    $("product-attributes").replaceChildren(...rows);
    $("similar").replaceChildren();
    $("look").replaceChildren();
    showTaste(id);
    if (!dialog.open) dialog.showModal();
    dialog.dataset.id = id;
    const path = `/products/${encodeURIComponent(id)}`;
    const [similar, look] = await Promise.all([api(`${path}/similar?k=8`), api(`${path}/complete-the-look?k=6`)]);
    renderResults($("similar"), similar.hits);
    renderResults($("look"), look.hits);
  } catch (error) {
    setStatus(error.message, true);
  }
}

// ---- session taste: likes and dislikes kept in this browser only ---------------------------
const TASTE_KEY = "modasearch-taste";
const TASTE_MAX = 50;

function taste() {
  try {
    const saved = JSON.parse(localStorage.getItem(TASTE_KEY) || "{}");
    return { likes: saved.likes || [], dislikes: saved.dislikes || [] };
  } catch { return { likes: [], dislikes: [] }; }
}

function showTaste(id) {
  const { likes, dislikes } = taste();
  $("like").setAttribute("aria-pressed", String(likes.includes(id)));
  $("dislike").setAttribute("aria-pressed", String(dislikes.includes(id)));
}

function toggleTaste(kind) {
  const id = $("product").dataset.id;
  const current = taste();
  const other = kind === "likes" ? "dislikes" : "likes";
  const had = current[kind].includes(id);
  current[kind] = current[kind].filter((x) => x !== id);
  current[other] = current[other].filter((x) => x !== id);
  if (!had) current[kind] = [id, ...current[kind]].slice(0, TASTE_MAX);
  localStorage.setItem(TASTE_KEY, JSON.stringify(current));
  showTaste(id);
  renderPicks();
}

async function renderPicks() {
  const { likes, dislikes } = taste();
  $("picks-row").hidden = likes.length === 0;
  if (!likes.length) { $("picks").replaceChildren(); return; }
  try {
    const picks = await api("/recommendations", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ likes, dislikes, k: 6 }),
    });
    renderResults($("picks"), picks.hits);
  } catch (error) {
    setStatus(error.message, true);
  }
}

// ---- photo search --------------------------------------------------------------------------
function searchPhoto(file) {
  if (!file) return;
  if (!["image/jpeg", "image/png", "image/webp"].includes(file.type)) {
    setStatus("Use a JPEG, PNG or WebP photo.", true);
    return;
  }
  if (file.size > MAX_UPLOAD) {
    setStatus("That photo is over 10 MB.", true);
    return;
  }
  state.photo = file;
  state.steer = "";
  state.page = 1;
  if (photoUrl) URL.revokeObjectURL(photoUrl);
  photoUrl = URL.createObjectURL(file);
  $("photo-preview").src = photoUrl;
  $("steer").value = "";
  $("photo-query").hidden = false;
  runSearch({ push: false });
}

function clearPhoto() {
  state.photo = null;
  $("photo-query").hidden = true;
  runSearch();
}

// ---- suggestions (an ARIA combobox) ---------------------------------------------------------
let suggestTimer = null;
let suggestRequest = 0;

function closeSuggestions() {
  clearTimeout(suggestTimer);  // a pending or in-flight suggestion must not reopen the list
  suggestRequest++;
  $("suggestions").hidden = true;
  $("q").setAttribute("aria-expanded", "false");
  $("q").removeAttribute("aria-activedescendant");
}

async function showSuggestions() {
  const text = $("q").value.trim();
  const ticket = ++suggestRequest;
  if (!text) { closeSuggestions(); return; }
  try {
    const found = await api(`/suggest?q=${encodeURIComponent(text)}&limit=8`);
    if (ticket !== suggestRequest) return;
    const list = $("suggestions");
    list.replaceChildren(...found.suggestions.map((s, i) => {
      const item = document.createElement("li");
      item.id = `suggestion-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.text = s.text;
      const name = document.createElement("span");
      name.textContent = s.text;
      const kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = s.field === "title" ? "product" : s.field.replace(/_/g, " ");
      item.append(name, kind);
      item.addEventListener("mousedown", (event) => { event.preventDefault(); choose(s.text); });
      return item;
    }));
    list.hidden = !found.suggestions.length;
    $("q").setAttribute("aria-expanded", String(!list.hidden));
  } catch { closeSuggestions(); }
}

function choose(text) {
  $("q").value = text;
  closeSuggestions();
  submitQuery();
}

function moveSelection(step) {
  const items = [...$("suggestions").children];
  if ($("suggestions").hidden || !items.length) return;
  let index = items.findIndex((li) => li.getAttribute("aria-selected") === "true");
  if (index >= 0) items[index].setAttribute("aria-selected", "false");
  index = (index + step + items.length) % items.length;
  items[index].setAttribute("aria-selected", "true");
  $("q").setAttribute("aria-activedescendant", items[index].id);
}

function submitQuery() {
  state.query = $("q").value.trim();
  state.mode = $("mode").value;
  state.page = 1;
  state.exact = false;
  state.photo = null;
  $("photo-query").hidden = true;
  runSearch();
}

// ---- wiring --------------------------------------------------------------------------------
function wire() {
  $("search-form").addEventListener("submit", (event) => { event.preventDefault(); closeSuggestions(); submitQuery(); });
  $("q").addEventListener("input", () => { clearTimeout(suggestTimer); suggestTimer = setTimeout(showSuggestions, 120); });
  $("q").addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") { event.preventDefault(); moveSelection(1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); moveSelection(-1); }
    else if (event.key === "Escape") closeSuggestions();
    else if (event.key === "Enter") {
      const selected = $("suggestions").querySelector("[aria-selected=true]");
      if (selected && !$("suggestions").hidden) { event.preventDefault(); choose(selected.dataset.text); }
    }
  });
  $("q").addEventListener("blur", () => setTimeout(closeSuggestions, 100));
  $("mode").addEventListener("change", () => { if (state.query) submitQuery(); });
  $("sort").addEventListener("change", () => { state.sort = $("sort").value; state.page = 1; if (state.query) runSearch(); });
  $("photo-button").addEventListener("click", () => $("photo-input").click());
  $("photo-input").addEventListener("change", (event) => { searchPhoto(event.target.files[0]); event.target.value = ""; });
  $("steer-form").addEventListener("submit", (event) => { event.preventDefault(); state.steer = $("steer").value.trim(); state.page = 1; runSearch({ push: false }); });
  $("photo-clear").addEventListener("click", clearPhoto);
  $("product-close").addEventListener("click", () => $("product").close());
  $("like").addEventListener("click", () => toggleTaste("likes"));
  $("dislike").addEventListener("click", () => toggleTaste("dislikes"));
  $("product").addEventListener("click", (event) => { if (event.target === $("product")) $("product").close(); });
  let dragDepth = 0;
  window.addEventListener("dragenter", (event) => { if (event.dataTransfer?.types.includes("Files")) { dragDepth++; $("drop-overlay").hidden = false; } });
  window.addEventListener("dragleave", () => { if (--dragDepth <= 0) { dragDepth = 0; $("drop-overlay").hidden = true; } });
  window.addEventListener("dragover", (event) => event.preventDefault());
  window.addEventListener("drop", (event) => {
    event.preventDefault();
    dragDepth = 0;
    $("drop-overlay").hidden = true;
    searchPhoto(event.dataTransfer?.files?.[0]);
  });
  window.addEventListener("popstate", () => { readUrl(); state.photo = null; $("photo-query").hidden = true; runSearch({ push: false }); });
}

window.modasearch = { searchBody, state }; // for tests: the page's own request

wire();
readUrl();
runSearch({ push: false });
renderPicks();
