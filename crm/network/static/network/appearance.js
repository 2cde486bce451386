// How a node looks. Partner kinds are a vocabulary admins can extend (18 in the demo), more
// than any palette that colour-blind readers can tell apart has colours: each kind gets its
// own pair of colour and shape, colours from Paul Tol's colour-blind-safe "muted" scheme.
// Kinds keep their pair from filter to filter (the order is the vocabulary's, not the view's).
// The shapes are drawn once here for the legend and for the SVG export.

export const COLOURS = ["#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255",
  "#44AA99", "#999933", "#AA4499"];
export const PARTNER_SHAPES = ["ellipse", "rectangle", "triangle", "star"];
export const SECTORS = { internal: "#0072B2", external: "#E69F00" }; // Okabe–Ito blue, orange
export const BODIES = {
  steering_group: { shape: "round-hexagon", fill: "#555555", label: "Steuerungsgruppe (Gremium)" },
  agreement: { shape: "diamond", fill: "#BBBBBB", label: "Vereinbarung in Kraft" },
};

// kind code -> {fill, shape}, for every kind of the vocabulary (oldest first).
export function kindAppearance(kinds) {
  const ordered = [...kinds].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.code.localeCompare(b.code));
  const looks = {};
  ordered.forEach((kind, index) => {
    looks[kind.code] = {
      fill: COLOURS[index % COLOURS.length],
      shape: PARTNER_SHAPES[Math.floor(index / COLOURS.length) % PARTNER_SHAPES.length],
    };
  });
  return looks;
}

const HEXAGON = [[-1, 0], [-0.5, -1], [0.5, -1], [1, 0], [0.5, 1], [-0.5, 1]];
const STAR = Array.from({ length: 10 }, (_, i) => {
  const radius = i % 2 ? 0.45 : 1, angle = -Math.PI / 2 + (i * Math.PI) / 5;
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
});
const POLYGONS = {
  triangle: [[0, -1], [1, 1], [-1, 1]],
  diamond: [[0, -1], [1, 0], [0, 1], [-1, 0]],
  star: STAR,
  hexagon: HEXAGON,
  "round-hexagon": HEXAGON,
};

const SVG = "http://www.w3.org/2000/svg";

// The SVG element of `shape` centred on (x, y), w wide and h high.
export function svgShape(document, shape, x, y, w, h) {
  let element;
  if (shape in POLYGONS) {
    element = document.createElementNS(SVG, "polygon");
    const points = POLYGONS[shape].map(([px, py]) => `${(x + (px * w) / 2).toFixed(1)},${(y + (py * h) / 2).toFixed(1)}`);
    element.setAttribute("points", points.join(" "));
  } else if (shape === "ellipse") {
    element = document.createElementNS(SVG, "ellipse");
    for (const [name, value] of [["cx", x], ["cy", y], ["rx", w / 2], ["ry", h / 2]]) element.setAttribute(name, value.toFixed(1));
  } else {
    element = document.createElementNS(SVG, "rect");
    for (const [name, value] of [["x", x - w / 2], ["y", y - h / 2], ["width", w], ["height", h]]) element.setAttribute(name, value.toFixed(1));
  }
  return element;
}

// A legend's sample: `shape` filled with `fill`, framed by `stroke`.
export function swatch(document, shape, fill, stroke) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "swatch");
  svg.setAttribute("viewBox", "0 0 20 20");
  const drawn = svgShape(document, shape, 10, 10, 16, 16);
  drawn.setAttribute("fill", fill);
  drawn.setAttribute("stroke", stroke);
  drawn.setAttribute("stroke-width", "2");
  svg.append(drawn);
  return svg;
}

export { SVG };
