// The service list of a run with `services:`: one row per service (its state word and
// colour, health, last reload, pid and the candidate beside it), and an "all" row. A click
// on a row picks the service whose header, chart and error panel the page shows; "all"
// shows the list and the combined log. All text goes through textContent.
import { formatMs, formatTime } from "./time.js";

/**
 * What "all" says in the header: the most pressing state of any service. A failure
 * outranks work in progress, which outranks the quiet states; a finished one-shot (exited)
 * reads as such only when every service has.
 */
const RANK = [
  "build failed",
  "crashed",
  "backoff",
  "unhealthy",
  "building",
  "stopping",
  "starting",
  "running",
  "stopped",
  "exited",
];

export function combinedStatus(services) {
  let best = RANK.length;
  for (const s of services) best = Math.min(best, RANK.indexOf(s.status) >>> 0);
  return RANK[best] ?? "starting";
}

/** The view "all" draws in the header: the combined state, no single pid or health. */
export function combinedView(services) {
  return {
    status: combinedStatus(services),
    phase: "idle",
    process: null,
    candidate: null,
    health: { status: "none" },
    backoff: null,
    builds: [],
  };
}

function healthWord(health) {
  switch (health.status) {
    case "checking":
      return "checking…";
    case "ok":
      return `healthy (${formatMs(health.ms)})`;
    case "failed":
      return "unhealthy";
    default:
      return "—";
  }
}

/**
 * When the serving process came up (a build's swap, a restart, a crash restart), with the
 * reload's time when a build led to it; without a process, the last good build's time.
 */
function lastReload(service) {
  const last = service.builds.filter((b) => b.outcome === "ok" && b.done).at(-1);
  const took = (b) => (b.durationMs === null ? "" : ` · ${formatMs(b.durationMs)}`);
  const started = service.process?.startedAt;
  if (started === undefined) return last ? `${formatTime(last.startedAt)}${took(last)}` : "—";
  // The process came from that build when it started while the build's reload ran.
  const fromBuild =
    last && last.startedAt <= started && started <= last.startedAt + (last.durationMs ?? 0);
  return `${formatTime(started)}${fromBuild ? took(last) : ""}`;
}

const key = (status) => status.replace(" ", "-");

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function row(name, label, selected, onSelect, cells) {
  const tr = document.createElement("tr");
  tr.dataset.service = name;
  if (selected) tr.setAttribute("aria-selected", "true");
  const th = document.createElement("th");
  th.scope = "row";
  const pick = document.createElement("button");
  pick.type = "button";
  pick.className = "ghost service-pick";
  pick.textContent = label;
  pick.setAttribute("aria-pressed", String(selected));
  pick.addEventListener("click", () => onSelect(name === "" ? null : name));
  th.append(pick);
  tr.append(th, ...cells);
  tr.addEventListener("click", (e) => {
    if (e.target !== pick) pick.click();
  });
  return tr;
}

function phaseCell(status) {
  const td = document.createElement("td");
  const word = document.createElement("span");
  word.className = "phase";
  word.dataset.phase = key(status);
  word.textContent = status;
  td.append(word);
  return td;
}

/** Redraws the rows; `selected` is a service name or null (all). */
export function renderServiceList(tbody, services, selected, onSelect) {
  const rows = [
    row("", "all", selected === null, onSelect, [
      phaseCell(combinedStatus(services)),
      cell(`${services.length} services`, "muted"),
      cell(""),
      cell(""),
    ]),
    ...services.map((s) => {
      const serving = s.process ? String(s.process.pid) : "—";
      const pid = cell(s.candidate ? `${serving} → ${s.candidate.pid}` : serving, "pid");
      if (s.candidate) pid.title = `pid ${s.candidate.pid} started beside it, not yet serving`;
      return row(s.name, s.name, selected === s.name, onSelect, [
        phaseCell(s.status),
        cell(healthWord(s.health), `health h-${s.health.status}`),
        cell(lastReload(s), "reload"),
        pid,
      ]);
    }),
  ];
  tbody.replaceChildren(...rows);
}

/** The log filter's options: every service, keeping the current choice. */
export function renderServiceFilter(select, services) {
  const names = services.map((s) => s.name);
  const have = [...select.options].slice(1).map((o) => o.value);
  if (have.join("\n") === names.join("\n")) return;
  const value = select.value;
  const all = select.options[0];
  select.replaceChildren(
    all,
    ...names.map((name) => {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      return option;
    }),
  );
  select.value = names.includes(value) ? value : "";
}
