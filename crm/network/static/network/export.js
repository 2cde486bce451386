// The current view as a picture for a report: PNG as Cytoscape renders it, SVG written here
// from the nodes' positions, shapes and labels (the SVG extension for Cytoscape is GPL,
// which this EUPL project does not ship). Both cover what is on screen, dimmed parts dimmed.
import { SVG, svgShape } from "./appearance.js";

export function png(cy) {
  return cy.png({ output: "blob", bg: "#ffffff", full: false, scale: 2 });
}

function element(document, name, attributes) {
  const made = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, String(value));
  return made;
}

export function svg(cy, title) {
  const document = window.document.implementation.createDocument(SVG, "svg", null);
  const root = document.documentElement;
  const view = cy.extent();
  root.setAttribute("viewBox", `${view.x1} ${view.y1} ${view.w} ${view.h}`);
  root.setAttribute("width", Math.round(cy.width()));
  root.setAttribute("height", Math.round(cy.height()));
  root.append(element(document, "title", {}));
  root.firstChild.textContent = title;
  root.append(element(document, "rect", { x: view.x1, y: view.y1, width: view.w, height: view.h, fill: "#ffffff" }));
  for (const edge of cy.edges()) {
    const [from, to] = [edge.source().position(), edge.target().position()];
    root.append(element(document, "line", {
      x1: from.x, y1: from.y, x2: to.x, y2: to.y, stroke: edge.style("line-color"),
      "stroke-width": edge.numericStyle("width"), opacity: edge.style("opacity"),
    }));
  }
  for (const node of cy.nodes()) {
    const { x, y } = node.position();
    const group = element(document, "g", { opacity: node.style("opacity") });
    const shape = svgShape(document, node.style("shape"), x, y, node.width(), node.height());
    shape.setAttribute("fill", node.style("background-color"));
    shape.setAttribute("stroke", node.style("border-color"));
    shape.setAttribute("stroke-width", node.numericStyle("border-width"));
    const label = node.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true });
    const text = element(document, "text", {
      x, y: label.y2 - node.numericStyle("font-size") * 0.25, "text-anchor": "middle",
      "font-family": "sans-serif", "font-size": node.numericStyle("font-size"), fill: node.style("color"),
    });
    text.textContent = node.data("label");
    group.append(shape, text);
    root.append(group);
  }
  return new Blob([new XMLSerializer().serializeToString(document)], { type: "image/svg+xml" });
}

// Offers `blob` as a download named `name`.
export function download(blob, name) {
  const link = window.document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}
