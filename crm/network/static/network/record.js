// The record of a node as a coordinator reads it: German labels, names instead of ids,
// German dates, and the bodies, members and agreements it is tied to, each a link to its
// node on the map. Only the fields listed here are shown; nothing is dumped raw.
import { germanDate, languageName } from "./german.js";

const PATHS = { partner: "partners", steering_group: "steering-groups", agreement: "agreements" };

const names = (terms, ids) => (ids || []).map((id) => terms.get(id)).filter(Boolean).join(", ");
const days = (count) => (count === null || count === undefined ? "" : `${count} Tage`);
const address = (r) => [r.street, [r.postal_code, r.town].filter(Boolean).join(" ")].filter(Boolean).join(", ");

// [German label, value from (record, vocabulary)] per type; a value is text or a link.
const FIELDS = {
  partner: [
    ["Kurzname", (r) => r.short_name],
    ["Art", (r, v) => v.kinds[r.kind] || r.kind],
    ["Sektor", (r, v) => v.enum("sector", r.sector)],
    ["Status", (r, v) => v.enum("partner_status", r.status)],
    ["Anschrift", address],
    ["E-Mail", (r) => r.email],
    ["Telefon", (r) => r.phone],
    ["Website", (r) => r.website],
    ["Handlungsfelder", (r, v) => names(v.topics, r.topic_ids)],
    ["Zielgruppen", (r, v) => names(v.targetGroups, r.target_group_ids)],
    ["Kommunen", (r, v) => names(v.municipalities, r.municipality_ids)],
    ["Sprachen", (r) => (r.languages || []).map(languageName).join(", ")],
    ["Notizen", (r) => r.notes],
  ],
  steering_group: [
    ["Kurzname", (r) => r.short_name],
    ["Art", (r, v) => v.enum("steering_group_kind", r.kind)],
    ["Status", (r, v) => v.enum("steering_group_status", r.status)],
    ["Zweck", (r) => r.purpose],
    ["Gegründet am", (r) => germanDate(r.founded_on)],
    ["Aufgelöst am", (r) => germanDate(r.dissolved_on)],
    ["Förderprogramm", (r) => r.funding_programme],
    ["Koordination", (r) => r.coordinating_partner_id && { nodeId: r.coordinating_partner_id }],
    ["Handlungsfelder", (r, v) => names(v.topics, r.topic_ids)],
    ["Zielgruppen", (r, v) => names(v.targetGroups, r.target_group_ids)],
    ["Notizen", (r) => r.notes],
  ],
  agreement: [
    ["Aktenzeichen", (r) => r.reference_number],
    ["Art", (r, v) => v.enum("agreement_kind", r.kind)],
    ["Status", (r, v) => v.enum("agreement_status", r.status)],
    ["Unterzeichnet am", (r) => germanDate(r.signed_on)],
    ["Gültig ab", (r) => germanDate(r.valid_from)],
    ["Gültig bis", (r) => germanDate(r.valid_until)],
    ["Kündigungsfrist", (r) => days(r.notice_period_days)],
    ["Steuerungsgruppe", (r) => r.steering_group_id && { nodeId: r.steering_group_id }],
    ["Handlungsfelder", (r, v) => names(v.topics, r.topic_ids)],
    ["Zielgruppen", (r, v) => names(v.targetGroups, r.target_group_ids)],
    ["Notizen", (r) => r.notes],
  ],
};
const STAMPS = [["Angelegt am", (r) => germanDate(r.created_at)], ["Geändert am", (r) => germanDate(r.updated_at)]];

// The ties of a node on the map's day, grouped under German headings: [heading, [tie]].
function tiesOf(node, graph, vocabulary) {
  const role = (edge) => vocabulary.enum(edge.type === "membership" ? "membership_role" : "party_role", edge.role);
  const tie = (edge, other) => ({
    nodeId: other,
    note: [role(edge), edge.start && `seit ${germanDate(edge.start)}`].filter(Boolean).join(", "),
  });
  const own = graph.edges.filter((edge) => edge.source === node.id || edge.target === node.id);
  if (node.type === "partner") {
    return [
      ["Gremien", own.filter((e) => e.type === "membership").map((e) => tie(e, e.target))],
      ["Vereinbarungen", own.filter((e) => e.type === "party").map((e) => tie(e, e.source === node.id ? e.target : e.source))],
    ];
  }
  return [[node.type === "agreement" ? "Vertragsparteien" : "Mitglieder", own.map((e) => tie(e, e.source))]];
}

export async function showRecord(panel, node, map) {
  const { api, vocabulary } = map;
  const record = await api.get(`/api/v1/${PATHS[node.type]}/${node.id}`);
  const graph = await map.context();
  const known = new Map(graph.nodes.map((n) => [n.id, n]));
  const nameOf = async (id, path) => known.get(id)?.name || (await api.get(`/api/v1/${path}/${id}`)).name;

  const heading = document.createElement("h2");
  heading.textContent = record.name || record.title;
  const kind = document.createElement("p");
  kind.className = "record-type";
  kind.textContent = { partner: "Partner", steering_group: "Steuerungsgruppe", agreement: "Vereinbarung" }[node.type];
  const list = document.createElement("dl");
  for (const [label, read] of [...FIELDS[node.type], ...STAMPS]) {
    const value = read(record, vocabulary);
    if (!value) continue;
    const term = document.createElement("dt");
    term.textContent = label;
    const description = document.createElement("dd");
    if (value.nodeId) {
      const path = node.type === "agreement" ? "steering-groups" : "partners";
      description.append(map.link(value.nodeId, await nameOf(value.nodeId, path)));
    } else {
      description.textContent = value;
    }
    list.append(term, description);
  }
  const sections = [];
  const ties = tiesOf(node, graph, vocabulary);
  if (node.type === "steering_group") {
    const agreements = await api.all(`/api/v1/agreements?steering_group_id=${node.id}`);
    ties.push(["Vereinbarungen", agreements.map((a) => ({ nodeId: a.id, name: a.title, note: vocabulary.enum("agreement_status", a.status) }))]);
  }
  for (const [title, entries] of ties) {
    if (!entries.length) continue;
    const section = document.createElement("h3");
    section.textContent = title;
    const items = document.createElement("ul");
    items.className = "ties";
    const named = entries.map((entry) => ({ ...entry, name: entry.name || known.get(entry.nodeId)?.name || "" }));
    for (const entry of named.sort((a, b) => a.name.localeCompare(b.name, "de"))) {
      const item = document.createElement("li");
      item.append(map.link(entry.nodeId, entry.name));
      if (entry.note) item.append(` – ${entry.note}`);
      items.append(item);
    }
    sections.push(section, items);
  }
  panel.replaceChildren(heading, kind, list, ...sections);
}
