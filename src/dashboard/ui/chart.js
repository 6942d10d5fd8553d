// The build-history chart: one inline SVG bar per build (last 50), stacked by stage
// (build, stop, start, healthy); failed and cancelled builds are one coloured bar.
const SVG = "http://www.w3.org/2000/svg";
const STAGES = ["build", "stop", "start", "healthy"];
const SLOTS = 50;
const SLOT = 12;
const HEIGHT = 100;

export function formatMs(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
}

function total(build) {
  const stages = STAGES.reduce((sum, s) => sum + (build.stages[s] ?? 0), 0);
  return Math.max(stages, build.durationMs ?? 0);
}

export function describeBuild(build) {
  const parts = STAGES.filter((s) => build.stages[s] !== undefined).map(
    (s) => `${s} ${formatMs(build.stages[s])}`,
  );
  const when = new Date(build.startedAt).toLocaleTimeString();
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

/** Redraws the chart into `container`; `onDetail(text)` receives hover/focus descriptions. */
export function renderChart(container, maxLabel, builds, onDetail) {
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
  maxLabel.textContent = shown.length ? formatMs(max) : "";
}
