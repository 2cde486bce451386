// Where the nodes go. Partners and bodies with ties are laid out by a force layout (CoSE),
// from a circle so that the same network is drawn the same way each time; what the force
// layout leaves overlapping is then pushed apart until no two nodes, labels included,
// overlap. Nodes without ties would only be pushed to the edge by the forces and pile up:
// they are set in rows below the rest, by name, each as wide as its label.

const GAP = 12; // model pixels between any two nodes' boxes (labels included)
const LARGE = 800; // beyond this many nodes, a force layout takes too long in a browser

// The node's box, labels included, relative to its position.
function measured(node) {
  const { x, y } = node.position();
  const box = node.boundingBox({ includeLabels: true, includeOverlays: false });
  return { node, x, y, left: box.x1 - x, right: box.x2 - x, top: box.y1 - y, bottom: box.y2 - y };
}

// Pushes overlapping boxes apart along the axis where they overlap least.
function spreadApart(items, rounds = 300) {
  for (let round = 0; round < rounds; round++) {
    let moved = false;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const a = items[i], b = items[j];
        const overlapX = Math.min(a.x + a.right, b.x + b.right) - Math.max(a.x + a.left, b.x + b.left) + GAP;
        const overlapY = Math.min(a.y + a.bottom, b.y + b.bottom) - Math.max(a.y + a.top, b.y + b.top) + GAP;
        if (overlapX <= 0 || overlapY <= 0) continue;
        moved = true;
        if (overlapX < overlapY) {
          const direction = a.x + (a.left + a.right) / 2 < b.x + (b.left + b.right) / 2 ? -1 : 1;
          a.x += (direction * overlapX) / 2;
          b.x -= (direction * overlapX) / 2;
        } else {
          const direction = a.y + (a.top + a.bottom) / 2 < b.y + (b.top + b.bottom) / 2 ? -1 : 1;
          a.y += (direction * overlapY) / 2;
          b.y -= (direction * overlapY) / 2;
        }
      }
    }
    if (!moved) return;
  }
}

// Rows of `items` below `y`, from `left`, no wider than `width`.
function inRows(items, left, y, width) {
  let x = left, rowHeight = 0;
  for (const item of items) {
    const w = item.right - item.left, h = item.bottom - item.top;
    if (x > left && x + w > left + width) {
      x = left;
      y += rowHeight + GAP;
      rowHeight = 0;
    }
    item.x = x - item.left;
    item.y = y - item.top;
    x += w + GAP;
    rowHeight = Math.max(rowHeight, h);
  }
}

function place(cy, items) {
  cy.batch(() => items.forEach((item) => item.node.position({ x: item.x, y: item.y })));
}

export function arrange(cy) {
  if (cy.nodes().length > LARGE) {
    cy.layout({ name: "concentric", concentric: (n) => n.degree(), animate: false }).run();
    return;
  }
  const alone = cy.nodes().filter((node) => node.degree() === 0);
  const tied = cy.elements().not(alone);
  if (tied.nonempty()) {
    tied.layout({ name: "circle", animate: false }).run();
    tied.layout({ name: "cose", animate: false, randomize: false, nodeDimensionsIncludeLabels: true }).run();
    const items = tied.nodes().map(measured);
    spreadApart(items);
    place(cy, items);
  }
  const rows = alone.map(measured).sort((a, b) => a.node.data("label").localeCompare(b.node.data("label"), "de"));
  const area = rows.reduce((sum, item) => sum + (item.right - item.left + GAP) * (item.bottom - item.top + GAP), 0);
  const box = tied.nonempty() ? tied.nodes().boundingBox({ includeLabels: true }) : { x1: 0, y2: -3 * GAP, w: 0 };
  inRows(rows, box.x1, box.y2 + 3 * GAP, Math.max(box.w, Math.sqrt(area) * 2));
  place(cy, rows);
}
