// The network map: draws GET /api/v1/network with Cytoscape.js. The API key stays in this
// page's memory and goes only into the Authorization header, never into a URL.
import { client } from "./api.js";
import { BODIES, SECTORS, kindAppearance, swatch } from "./appearance.js";
import * as exports from "./export.js";
import { germanDate } from "./german.js";
import { arrange } from "./layout.js";
import { showRecord } from "./record.js";

const $ = (id) => document.getElementById(id);
const FILTERS = ["filter-topic", "filter-target-group", "filter-sector"]; // those that hide nodes
const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase("de");

const map = {
  api: null, cy: null, graph: null, vocabulary: null, looks: {}, contexts: new Map(),
  // The network on the map's day without the filters that hide nodes: a record lists all its ties.
  async context() {
    if (FILTERS.every((id) => !$(id).value)) return map.graph;
    const day = map.graph.as_of;
    if (!map.contexts.has(day)) map.contexts.set(day, map.api.get(`/api/v1/network?as_of=${day}`));
    return map.contexts.get(day);
  },
  // A link to the node `id` on the map, or its plain name where the filters hide it.
  link(id, name) {
    if (!map.cy.getElementById(id).nonempty()) {
      const hidden = document.createElement("span");
      hidden.textContent = `${name} (durch Filter ausgeblendet)`;
      return hidden;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "node-link";
    button.textContent = name;
    button.addEventListener("click", () => focus(map.cy.getElementById(id)));
    return button;
  },
  exports,
};
window.networkMap = map;

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function loadVocabulary() {
  const terms = async (path) => new Map((await map.api.all(path)).map((t) => [t.id, t.label_de]));
  // One after the other: SQLite serves one writer at a time, and each call notes the key's use.
  const topics = await terms("/api/v1/topics");
  const targetGroups = await terms("/api/v1/target-groups");
  const municipalities = await terms("/api/v1/municipalities");
  const kinds = await map.api.all("/api/v1/partner-kinds");
  const enumerations = await map.api.get("/api/v1/enumerations");
  map.looks = kindAppearance(kinds);
  map.vocabulary = {
    topics, targetGroups, municipalities,
    kinds: Object.fromEntries(kinds.map((kind) => [kind.code, kind.label_de])),
    enum: (name, value) => (enumerations[name] || []).find((entry) => entry.value === value)?.label_de || value || "",
  };
  for (const [id, terms] of [["filter-topic", topics], ["filter-target-group", targetGroups]]) {
    $(id).length = 1;
    for (const [value, label] of terms) $(id).add(new Option(label, value));
  }
}

function elements(graph) {
  const nodes = graph.nodes.map((node) => {
    const look = node.type === "partner" ? map.looks[node.kind] || { fill: "#DDDDDD", shape: "ellipse" } : BODIES[node.type];
    return { data: {
      id: node.id, type: node.type, label: node.label, name: node.name, kind: node.kind,
      fill: look.fill, shape: look.shape, border: SECTORS[node.sector] || "#333333",
    } };
  });
  const edges = graph.edges.map((edge) => ({
    data: { id: edge.id, source: edge.source, target: edge.target, weight: edge.weight },
  }));
  return nodes.concat(edges);
}

function style(cy) {
  const maxDegree = Math.max(1, ...cy.nodes().map((n) => n.degree()));
  const size = (n) => 22 + 38 * Math.sqrt(n.degree() / maxDegree);
  return [
    { selector: "node", style: {
      "background-color": "data(fill)", "border-color": "data(border)", "border-width": 3,
      shape: "data(shape)", label: "data(label)", width: size, height: size, color: "#222222",
      "font-size": 11, "text-valign": "bottom", "text-margin-y": 3, "min-zoomed-font-size": 7 } },
    { selector: "edge", style: {
      width: (e) => 1 + e.data("weight"), "line-color": "#AAAAAA", "curve-style": "haystack" } },
    { selector: "node:selected", style: { "overlay-color": "#000000", "overlay-opacity": 0.15, "font-weight": "bold" } },
    { selector: ".faded", style: { opacity: 0.15 } },
  ];
}

// Dims everything but `node` and its ties (nothing dimmed without a node).
function highlight(node) {
  map.cy.batch(() => {
    map.cy.elements().removeClass("faded");
    if (node) map.cy.elements().not(node.closedNeighborhood()).addClass("faded");
  });
}

async function show(node) {
  try {
    await showRecord($("record"), node.data(), map);
  } catch (error) {
    $("record").textContent = "Datensatz nicht lesbar: " + error.message;
  }
}

// Selects `node`, centres the view on it, dims the rest and shows its record.
function focus(node) {
  map.cy.elements().unselect();
  node.select();
  highlight(node);
  map.cy.animate({ center: { eles: node }, zoom: Math.max(map.cy.zoom(), 1) }, { duration: 300 });
  return show(node);
}

function draw(graph) {
  map.graph = graph;
  const cy = map.cy || cytoscape({ container: $("graph"), wheelSensitivity: 0.3, selectionType: "single" });
  if (!map.cy) {
    map.cy = cy;
    cy.on("tap", "node", (event) => { highlight(event.target); show(event.target); });
    cy.on("tap", (event) => { if (event.target === cy) highlight(null); });
    cy.on("mouseover", "node", (event) => highlight(event.target));
    cy.on("mouseout", "node", () => highlight(cy.nodes(":selected")[0]));
  }
  cy.elements().remove();
  cy.add(elements(graph));
  cy.style(style(cy));
  arrange(cy);
  cy.fit(undefined, 30);
  $("summary").textContent = `${graph.nodes.length} Knoten, ${graph.edges.length} Verbindungen, Stand ${germanDate(graph.as_of)}`;
  $("names").replaceChildren(...cy.nodes().map((n) => new Option(n.data("name"))));
  drawLegend();
}

function drawLegend() {
  const entries = [
    ...Object.entries(SECTORS).map(([sector, colour]) => ["ellipse", "#FFFFFF", colour, "Rand: " + map.vocabulary.enum("sector", sector)]),
    ...Object.values(BODIES).map((body) => [body.shape, body.fill, "#333333", body.label]),
    ...[...new Set(map.cy.nodes('[type = "partner"]').map((n) => n.data("kind")))]
      .map((kind) => [map.looks[kind]?.shape || "ellipse", map.looks[kind]?.fill || "#DDDDDD", "#333333", map.vocabulary.kinds[kind] || kind])
      .sort((a, b) => a[3].localeCompare(b[3], "de")),
  ];
  const heading = document.createElement("h2");
  heading.textContent = "Legende";
  const note = document.createElement("p");
  note.textContent = "Partner: Farbe und Form zusammen zeigen die Art.";
  const list = document.createElement("ul");
  for (const [shape, fill, stroke, text] of entries) {
    const item = document.createElement("li");
    item.append(swatch(document, shape, fill, stroke), text);
    list.append(item);
  }
  $("legend").replaceChildren(heading, note, list);
}

function query() {
  const parameters = new URLSearchParams();
  for (const field of $("filters").querySelectorAll("select, input")) {
    if (field.value) parameters.append(field.name, field.value);
  }
  return parameters.toString();
}

async function load() {
  if (!map.api) return;
  setStatus("Lädt …");
  try {
    draw(await map.api.get("/api/v1/network?" + query()));
    setStatus("Angemeldet");
  } catch (error) {
    setStatus(error.message, true);
  }
}

// The node whose name or label is the text, else starts with it, else contains it (accents
// and case aside).
function find(text) {
  const wanted = fold(text.trim());
  if (!wanted || !map.cy) return null;
  const nodes = map.cy.nodes().toArray();
  const texts = (node) => [node.data("name"), node.data("label")].map(fold);
  return nodes.find((n) => texts(n).some((t) => t === wanted))
    || nodes.find((n) => texts(n).some((t) => t.startsWith(wanted)))
    || nodes.find((n) => texts(n).some((t) => t.includes(wanted)));
}

$("authorize").addEventListener("submit", async (event) => {
  event.preventDefault();
  map.api = client($("api-key").value.trim());
  $("api-key").value = "";
  map.contexts.clear();
  try {
    await loadVocabulary();
    await load();
  } catch (error) {
    map.api = null;
    setStatus(error.message, true);
  }
});
$("filters").addEventListener("change", load);
$("find").addEventListener("submit", (event) => {
  event.preventDefault();
  const node = find($("search").value);
  if (node) {
    $("search-status").textContent = "";
    focus(node);
  } else {
    $("search-status").textContent = map.cy ? "Kein Partner dieses Namens auf der Karte." : "Bitte zuerst anmelden.";
  }
});
const fileName = (extension) => `netzwerkkarte-${map.graph ? map.graph.as_of : "leer"}.${extension}`;
$("save-png").addEventListener("click", async () => map.cy && exports.download(await exports.png(map.cy), fileName("png")));
$("save-svg").addEventListener("click", () => map.cy && exports.download(exports.svg(map.cy, document.title), fileName("svg")));
