// The live log: lines are queued and drawn once per animation frame, at most `cap` lines
// stay in the DOM (trimmed in chunks), streams and a search filter hide lines with CSS
// classes, and the view follows new lines until the user scrolls up.
import { renderAnsi } from "./ansi.js";

const CHUNK = 250;

/** Drawing stops after this many ms per frame; the rest waits for the next frame. */
const FRAME_BUDGET_MS = 8;

/** HH:MM:SS, formatted once per second rather than once per line. */
function createClockFormatter() {
  let second = -1;
  let text = "";
  return (time) => {
    const s = Math.floor(time / 1000);
    if (s !== second) {
      second = s;
      text = new Date(time).toTimeString().slice(0, 8);
    }
    return text;
  };
}

export function createLogView({ root, followButton, countEl, cap = 5000 }) {
  let queue = [];
  let frame = 0;
  let following = true;
  let unseen = 0;
  let query = "";
  let matches = 0;
  const clock = createClockFormatter();

  function matchesQuery(line) {
    return query === "" || line.lastElementChild.textContent.toLowerCase().includes(query);
  }

  function makeLine(item) {
    const line = document.createElement("div");
    line.className = `line s-${item.stream}${item.fd === "stderr" ? " err" : ""}${item.kind ? ` ${item.kind}` : ""}`;
    const ts = document.createElement("span");
    ts.className = "ts";
    ts.textContent = clock(item.time);
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = item.stream;
    const msg = document.createElement("span");
    msg.className = "msg";
    renderAnsi(msg, item.line);
    line.append(ts, tag, msg);
    if (!matchesQuery(line)) line.classList.add("nomatch");
    else if (query !== "") matches++;
    return line;
  }

  function trim() {
    const excess = root.childElementCount - cap;
    if (excess < CHUNK) return;
    const before = root.scrollHeight;
    const range = document.createRange();
    range.setStartBefore(root.firstElementChild);
    range.setEndAfter(root.children[excess - 1]);
    if (query !== "") {
      for (let i = 0; i < excess; i++)
        if (!root.children[i].classList.contains("nomatch")) matches--;
    }
    range.deleteContents();
    // Keep the lines the user is reading in place while the top is trimmed.
    if (!following) root.scrollTop -= before - root.scrollHeight;
  }

  function updateCount() {
    const total = root.childElementCount;
    countEl.textContent = query === "" ? `${total} lines` : `${matches} of ${total} lines match`;
    followButton.hidden = following;
    followButton.textContent = unseen > 0 ? `${unseen} new lines — follow ↓` : "Follow new lines ↓";
  }

  function draw() {
    frame = 0;
    // Lines that could never stay in the DOM are not drawn at all.
    if (queue.length > cap) queue = queue.slice(-cap);
    const started = performance.now();
    const fragment = document.createDocumentFragment();
    let drawn = 0;
    while (
      drawn < queue.length &&
      (drawn % 100 !== 0 || performance.now() - started < FRAME_BUDGET_MS)
    ) {
      fragment.append(makeLine(queue[drawn]));
      drawn++;
    }
    queue = drawn === queue.length ? [] : queue.slice(drawn);
    root.append(fragment);
    trim();
    if (following) root.scrollTop = root.scrollHeight;
    else unseen += drawn;
    updateCount();
    if (queue.length > 0) schedule();
  }

  function schedule() {
    if (frame === 0) frame = requestAnimationFrame(draw);
  }

  root.addEventListener("scroll", () => {
    const atBottom = root.scrollHeight - root.scrollTop - root.clientHeight < 24;
    if (atBottom !== following) {
      following = atBottom;
      if (following) unseen = 0;
      updateCount();
    }
  });
  followButton.addEventListener("click", () => {
    following = true;
    unseen = 0;
    root.scrollTop = root.scrollHeight;
    updateCount();
    root.focus();
  });

  return {
    /** items: {time, stream, fd?, line, kind?} */
    append(items) {
      for (const item of items) queue.push(item);
      // A hidden tab draws nothing; keep only what could ever be shown.
      if (queue.length > cap * 2) queue = queue.slice(-cap);
      schedule();
    },
    clear() {
      queue = [];
      root.replaceChildren();
      matches = 0;
      unseen = 0;
      updateCount();
    },
    setStreams(hidden) {
      for (const stream of ["app", "build", "engine"])
        root.classList.toggle(`hide-${stream}`, hidden.has(stream));
    },
    setQuery(text) {
      query = text.trim().toLowerCase();
      matches = 0;
      for (const line of root.children) {
        const hit = matchesQuery(line);
        line.classList.toggle("nomatch", !hit);
        if (hit && query !== "") matches++;
      }
      updateCount();
    },
    lineCount: () => root.childElementCount,
  };
}
