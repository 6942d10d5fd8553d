// The build-history chart: one inline SVG bar per build (last 50), stacked by stage
// (build, stop, start, healthy); failed and cancelled builds are one coloured bar. Under it,
// an axis of build numbers and start times (HTML, so the text is not stretched).
import { formatMs, formatTime } from "./time.js";

const SVG = "http://www.w3.org/2000/svg";
const STAGES = ["build", "stop", "start", "healthy"];
const SLOTS = 50;
const SLOT = 12;
const HEIGHT = 100;

function total(build) {
  const stages = STAGES.reduce((sum, s) => sum + (build.stages[s] ?? 0), 0);
  return Math.max(stages, build.durationMs ?? 0);
}

export function describeBuild(build) {
  const parts = STAGES.filter((s) => build.stages[s] !== undefined).map(
    (s) => `${s} ${formatMs(build.stages[s])}`,
  );
  const when = formatTime(build.startedAt);
  const outcome = build.outcome === "ok" && !build.done ? "swapping" : build.outcome;
  return `#${build.seq} ${outcome} at ${when}, total ${formatMs(build.durationMs)}${parts.length ? ` (${parts.join(", ")})` : ""} — ${build.reason}`;
}

function rect(x, y, width, height, cls) {
  const r = document.createElementNS(SVG, "rect");
  r.setAttribute("x", String(x));
  r.setAttribute("y", String(y));
  r.setAttribute("width", String(width));
  r.setAttribute("height", String(Math.max(0, height)));
  r.setAttribute("class", cls);
  return r;
}

function label(cls, text, slot) {
  const span = document.createElement("span");
  span.className = cls;
  span.textContent = text;
  span.style.left = `${((slot + 0.5) / SLOTS) * 100}%`;
  // Labels at the ends grow inwards, so none sticks out of the panel.
  if (slot >= SLOTS - 5) span.classList.add("end");
  else if (slot < 5) span.classList.add("start");
  return span;
}

/**
 * Build numbers and start times, from the newest bar back, each kind spaced so that labels
 * never overlap (a time takes about as much room as ten bars at phone width).
 */
function renderAxis(axis, shown, offset) {
  const labels = [];
  let lastSeq = Number.POSITIVE_INFINITY;
  let lastTime = Number.POSITIVE_INFINITY;
  for (let i = shown.length - 1; i >= 0; i--) {
    const build = shown[i];
    const slot = offset + i;
    if (lastSeq - slot >= 5) {
      const mark = build.outcome === "cancelled" ? " ✕" : "";
      labels.push(label(`axis-seq o-${build.outcome}`, `#${build.seq}${mark}`, slot));
      lastSeq = slot;
    }
    if (lastTime - slot >= 16) {
      labels.push(label("axis-time", formatTime(build.startedAt), slot));
      lastTime = slot;
    }
  }
  axis.replaceChildren(...labels);
}

/** Redraws the chart into `container`; `onDetail(text)` receives hover/focus descriptions. */
export function renderChart(container, maxLabel, builds, onDetail, axis) {
  const shown = builds.slice(-SLOTS);
  const max = Math.max(1, ...shown.map(total));
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${SLOTS * SLOT} ${HEIGHT}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("role", "list");
  svg.setAttribute("aria-label", `Last ${shown.length} builds`);
  const offset = SLOTS - shown.length;
  shown.forEach((build, i) => {
    const g = document.createElementNS(SVG, "g");
    const text = describeBuild(build);
    g.setAttribute("class", `bar o-${build.outcome}`);
    g.setAttribute("tabindex", "0");
    g.setAttribute("role", "listitem");
    g.setAttribute("aria-label", text);
    g.dataset.seq = String(build.seq);
    const title = document.createElementNS(SVG, "title");
    title.textContent = text;
    g.append(title);
    const x = (offset + i) * SLOT + 1;
    const scale = (ms) => (ms / max) * (HEIGHT - 4);
    g.append(rect(x - 1, 0, SLOT, HEIGHT, "hit"));
    if (build.outcome === "ok") {
      let y = HEIGHT;
      for (const stage of STAGES) {
        const h = scale(build.stages[stage] ?? 0);
        if (h <= 0) continue;
        y -= h;
        g.append(rect(x, y, SLOT - 2, h, `k-${stage}`));
      }
      if (y === HEIGHT) g.append(rect(x, HEIGHT - 2, SLOT - 2, 2, "k-build"));
    } else {
      const h = Math.max(2, scale(total(build)));
      g.append(rect(x, HEIGHT - h, SLOT - 2, h, `k-${build.outcome}`));
    }
    g.addEventListener("mouseenter", () => onDetail(text));
    g.addEventListener("focus", () => onDetail(text));
    svg.append(g);
  });
  container.replaceChildren(svg);
  if (axis) renderAxis(axis, shown, offset);
  maxLabel.textContent = shown.length ? formatMs(max) : "";
}
