// The network map: draws GET /api/v1/network with Cytoscape.js. The API key stays in this
// page's memory and goes only into the Authorization header, never into a URL.
"use strict";

(function () {
  const SECTOR_COLOURS = { internal: "#1f5fa8", external: "#e07b00" };
  const SECTOR_LABELS = { internal: "verwaltungsintern", external: "verwaltungsextern" };
  const BODY_STYLE = {
    steering_group: { shape: "round-hexagon", colour: "#6b6b6b", label: "Steuerungsgruppe" },
    agreement: { shape: "diamond", colour: "#2e8b57", label: "Vereinbarung" },
  };
  const PALETTE = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"];
  const RECORD_PATHS = { partner: "partners", steering_group: "steering-groups", agreement: "agreements" };
  const LARGE = 800; // beyond this many nodes, a force layout takes too long in a browser

  const state = { key: null, cy: null, kindColours: {}, kindLabels: {} };
  const $ = (id) => document.getElementById(id);

  function setStatus(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  async function api(path) {
    const response = await fetch(path, {
      headers: { Authorization: "Bearer " + state.key, Accept: "application/json" },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || body.title || response.statusText);
    return body;
  }

  function kindColour(kind) {
    if (!(kind in state.kindColours)) {
      const used = Object.keys(state.kindColours).length;
      state.kindColours[kind] = PALETTE[used % PALETTE.length];
    }
    return state.kindColours[kind];
  }

  function elements(graph) {
    const nodes = graph.nodes.map((node) => ({
      data: {
        id: node.id, type: node.type, label: node.label, kind: node.kind, sector: node.sector,
        fill: node.type === "partner" ? kindColour(node.kind) : BODY_STYLE[node.type].colour,
        border: SECTOR_COLOURS[node.sector] || "#333",
        shape: node.type === "partner" ? "ellipse" : BODY_STYLE[node.type].shape,
      },
    }));
    const edges = graph.edges.map((edge) => ({
      data: { id: edge.id, source: edge.source, target: edge.target, weight: edge.weight },
    }));
    return nodes.concat(edges);
  }

  function draw(graph) {
    const cy = state.cy || cytoscape({ container: $("graph"), wheelSensitivity: 0.3 });
    state.cy = cy;
    window.networkMap = state;
    cy.elements().remove();
    cy.add(elements(graph));
    const maxDegree = Math.max(1, ...cy.nodes().map((n) => n.degree()));
    const size = (n) => 16 + 44 * Math.sqrt(n.degree() / maxDegree);
    cy.style([
      { selector: "node", style: {
        "background-color": "data(fill)", "border-color": "data(border)", "border-width": 4,
        shape: "data(shape)", label: "data(label)", width: size, height: size,
        "font-size": 10, "text-valign": "bottom", "text-margin-y": 3 } },
      { selector: "edge", style: {
        width: (e) => 1 + e.data("weight"), "line-color": "#aaa", "curve-style": "haystack" } },
      { selector: ":selected", style: { "overlay-color": "#000", "overlay-opacity": 0.2 } },
    ]);
    const layout = cy.nodes().length > LARGE
      ? { name: "concentric", concentric: (n) => n.degree(), animate: false }
      : { name: "cose", animate: false, randomize: true, nodeDimensionsIncludeLabels: true };
    cy.layout(layout).run();
    cy.off("tap", "node");
    cy.on("tap", "node", (event) => showRecord(event.target.data()));
    $("summary").textContent = `${graph.nodes.length} Knoten, ${graph.edges.length} Kanten am ${graph.as_of}`;
    drawLegend();
  }

  function drawLegend() {
    const legend = $("legend");
    legend.replaceChildren();
    const heading = document.createElement("h2");
    heading.textContent = "Legende";
    const list = document.createElement("ul");
    const entries = [
      ...Object.entries(SECTOR_COLOURS).map(([sector, colour]) => [colour, "Rand: " + SECTOR_LABELS[sector]]),
      ...Object.values(BODY_STYLE).map((body) => [body.colour, body.label]),
      ...[...new Set(state.cy.nodes('[type = "partner"]').map((n) => n.data("kind")))]
        .sort().map((kind) => [kindColour(kind), state.kindLabels[kind] || kind]),
    ];
    for (const [colour, text] of entries) {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      item.append(swatch, text);
      list.append(item);
    }
    legend.append(heading, list);
  }

  async function showRecord(node) {
    const panel = $("record");
    try {
      const record = await api(`/api/v1/${RECORD_PATHS[node.type]}/${node.id}`);
      const list = document.createElement("dl");
      for (const [field, value] of Object.entries(record)) {
        if (value === null || value === "" || (Array.isArray(value) && !value.length)) continue;
        const term = document.createElement("dt");
        const description = document.createElement("dd");
        term.textContent = field;
        description.textContent = typeof value === "object" ? JSON.stringify(value) : String(value);
        list.append(term, description);
      }
      const heading = document.createElement("h2");
      heading.textContent = record.name || record.title;
      panel.replaceChildren(heading, list);
    } catch (error) {
      panel.textContent = "Datensatz nicht lesbar: " + error.message;
    }
  }

  function query() {
    const parameters = new URLSearchParams();
    for (const field of $("filters").querySelectorAll("select, input")) {
      if (field.value) parameters.append(field.name, field.value);
    }
    return parameters.toString();
  }

  async function load() {
    if (!state.key) return;
    setStatus("Lädt …");
    try {
      draw(await api("/api/v1/network?" + query()));
      setStatus("Angemeldet");
    } catch (error) {
      setStatus(error.message, true);
    }
  }

  async function fillVocabulary(selectId, path) {
    const select = $(selectId);
    select.length = 1;
    const page = await api(path + "?page_size=100");
    for (const entry of page.data) select.add(new Option(entry.label_de, entry.id));
  }

  $("authorize").addEventListener("submit", async (event) => {
    event.preventDefault();
    state.key = $("api-key").value.trim();
    $("api-key").value = "";
    try {
      await fillVocabulary("filter-topic", "/api/v1/topics");
      await fillVocabulary("filter-target-group", "/api/v1/target-groups");
      const kinds = await api("/api/v1/partner-kinds?page_size=100");
      for (const kind of kinds.data) state.kindLabels[kind.code] = kind.label_de;
      await load();
    } catch (error) {
      state.key = null;
      setStatus(error.message, true);
    }
  });
  $("filters").addEventListener("change", load);
})();
