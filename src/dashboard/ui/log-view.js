// The live log, virtualised: the last `cap` lines live in an array and only the rows in
// view (plus a margin) exist in the DOM, so 10k lines a second cost a few dozen elements a
// frame. Rows have a fixed height (18px, as in panels.css); long lines scroll sideways.
// Streams and search filter the array (matches are marked); the view follows new lines until
// the user scrolls up.
import { renderAnsi, stripAnsi } from "./ansi.js";
import { formatTime } from "./time.js";

const ROW = 18;
const OVERSCAN = 20;
const CHUNK = 500;

/** The page's one clock format (time.js), formatted once per second rather than per line. */
function createClockFormatter() {
  let second = -1;
  let text = "";
  return (time) => {
    const s = Math.floor(time / 1000);
    if (s !== second) {
      second = s;
      text = formatTime(time);
    }
    return text;
  };
}

/** Wraps each case-insensitive occurrence of `query` in the rendered line in a <mark>. */
export function highlight(el, query) {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
  const text = nodes.map((n) => n.data).join("");
  const lower = text.toLowerCase();
  // Lower-casing can change the length of a few characters; then offsets would lie.
  if (lower.length !== text.length) return;
  const ranges = [];
  for (let i = lower.indexOf(query); i >= 0 && ranges.length < 50; ) {
    ranges.push([i, i + query.length]);
    i = lower.indexOf(query, i + query.length);
  }
  let start = 0;
  for (const node of nodes) {
    const end = start + node.data.length;
    const parts = ranges.filter(([a, b]) => a < end && b > start);
    if (parts.length > 0) {
      const out = document.createDocumentFragment();
      let pos = start;
      for (const [a, b] of parts) {
        const from = Math.max(a, start);
        const to = Math.min(b, end);
        if (from > pos) out.append(node.data.slice(pos - start, from - start));
        const mark = document.createElement("mark");
        mark.textContent = node.data.slice(from - start, to - start);
        out.append(mark);
        pos = to;
      }
      if (pos < end) out.append(node.data.slice(pos - start));
      node.replaceWith(out);
    }
    start = end;
  }
}

export function createLogView({ root, followButton, countEl, cap = 5000 }) {
  const spacer = document.createElement("div");
  spacer.className = "log-spacer";
  const rows = document.createElement("div");
  rows.className = "log-window";
  spacer.append(rows);
  root.replaceChildren(spacer);
  const clock = createClockFormatter();
  let elements = new WeakMap(); // rendered rows; replaced when the search changes
  let items = [];
  let shown = items; // `items` itself while no filter is active
  let hidden = new Set();
  let query = "";
  /** With services: show only this one's lines (null: every line). */
  let service = null;
  let following = true;
  let frame = 0;
  let viewHeight = 0;
  let appended = 0; // lines appended so far; each line's `n` is its number
  let pausedAt = 0; // `appended` when the user scrolled away from the bottom
  let drawn = { first: -1, last: -1, shown: null, length: -1 };

  const filtering = () => hidden.size > 0 || query !== "" || service !== null;

  function passes(item) {
    if (hidden.has(item.stream)) return false;
    if (service !== null && item.service !== service) return false;
    if (query === "") return true;
    item.lower ??= `${item.service ? `${item.service} ` : ""}${stripAnsi(item.line)}`.toLowerCase();
    return item.lower.includes(query);
  }

  function refilter() {
    shown = filtering() ? items.filter(passes) : items;
    drawn.shown = null;
  }

  function element(item) {
    let line = elements.get(item);
    if (line) return line;
    line = document.createElement("div");
    line.className = `line s-${item.stream}${item.fd === "stderr" ? " err" : ""}${item.kind ? ` ${item.kind}` : ""}`;
    const ts = document.createElement("span");
    ts.className = "ts";
    ts.textContent = clock(item.time);
    const tag = document.createElement("span");
    tag.className = "tag";
    // With several services, the line says whose it is (`api app`).
    // A hook's lines are tagged with its name (`after_ready`).
    const stream = item.stream === "hook" && item.hook ? item.hook : item.stream;
    tag.textContent = item.service ? `${item.service} ${stream}` : stream;
    const msg = document.createElement("span");
    msg.className = "msg";
    renderAnsi(msg, item.line);
    if (query !== "") highlight(msg, query);
    line.append(ts, tag, msg);
    elements.set(item, line);
    return line;
  }

  function render() {
    frame = 0;
    const total = shown.length;
    spacer.style.height = `${total * ROW}px`;
    viewHeight = root.clientHeight;
    if (following) root.scrollTop = root.scrollHeight;
    const first = Math.max(0, Math.floor(root.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(total, Math.ceil((root.scrollTop + root.clientHeight) / ROW) + OVERSCAN);
    const same =
      drawn.shown === shown &&
      drawn.first === first &&
      drawn.last === last &&
      drawn.length === total;
    if (!same) {
      rows.style.transform = `translateY(${first * ROW}px)`;
      rows.replaceChildren(...shown.slice(first, last).map(element));
      drawn = { first, last, shown, length: total };
    }
    const count = !filtering()
      ? `${total} line${total === 1 ? "" : "s"}`
      : `${total} of ${items.length} line${items.length === 1 ? "" : "s"}`;
    countEl.textContent = count;
    followButton.hidden = following;
    // Lines that arrived since the user scrolled away and are really there: trimmed and
    // filtered-out lines are not in `shown`, so they are not counted.
    let unseen = 0;
    if (!following) {
      for (let i = shown.length - 1; i >= 0 && shown[i].n >= pausedAt; i--) unseen++;
    }
    followButton.textContent =
      unseen > 0 ? `${unseen} new line${unseen === 1 ? "" : "s"} — follow ↓` : "Follow new lines ↓";
  }

  function schedule() {
    if (frame === 0) frame = requestAnimationFrame(render);
  }

  root.addEventListener("scroll", () => {
    // A resize moves the bottom, not the reader: only a scroll at an unchanged size decides.
    if (root.clientHeight === viewHeight) {
      const atBottom = root.scrollHeight - root.scrollTop - root.clientHeight < ROW;
      if (following && !atBottom) pausedAt = appended;
      following = atBottom;
    }
    schedule();
  });
  new ResizeObserver(() => schedule()).observe(root);
  followButton.addEventListener("click", () => {
    following = true;
    schedule();
    root.focus();
  });

  return {
    /** items: {time, stream, fd?, line, kind?} */
    append(list) {
      for (const item of list) {
        item.n = appended++;
        items.push(item);
        if (shown !== items && passes(item)) shown.push(item);
      }
      if (items.length > cap + CHUNK) {
        const before = shown.length;
        items = items.slice(-cap);
        refilter();
        // Keep the rows the user is reading in place while the oldest are dropped.
        if (!following) root.scrollTop -= (before - shown.length) * ROW;
      }
      schedule();
    },
    /** Earlier lines (oldest first), put before the kept ones; the view stays where it is. */
    prepend(list) {
      if (list.length === 0) return;
      const before = shown.length;
      for (const item of list) item.n = -1;
      items = [...list, ...items].slice(-(cap + CHUNK));
      refilter();
      if (!following) root.scrollTop += (shown.length - before) * ROW;
      schedule();
    },
    clear() {
      items = [];
      refilter();
      schedule();
    },
    setStreams(set) {
      hidden = set;
      refilter();
      schedule();
    },
    /** Only `name`'s lines (null: all). */
    setService(name) {
      service = name;
      refilter();
      schedule();
    },
    setQuery(text) {
      query = text.trim().toLowerCase();
      elements = new WeakMap();
      refilter();
      schedule();
    },
  };
}
