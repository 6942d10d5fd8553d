// The live log: lines are queued and drawn once per animation frame, at most `cap` lines
// stay in the DOM (trimmed in chunks), streams and a search filter hide lines with CSS
// classes, and the view follows new lines until the user scrolls up.
import { renderAnsi } from "./ansi.js";

const CHUNK = 250;

function clock(time) {
  return new Date(time).toTimeString().slice(0, 8);
}

export function createLogView({ root, followButton, countEl, cap = 5000 }) {
  let queue = [];
  let frame = 0;
  let following = true;
  let unseen = 0;
  let query = "";
  let matches = 0;

  function matchesQuery(line) {
    return query === "" || line.dataset.text.includes(query);
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
    line.dataset.text = msg.textContent.toLowerCase();
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
    const items = queue.length > cap ? queue.slice(-cap) : queue;
    queue = [];
    const fragment = document.createDocumentFragment();
    for (const item of items) fragment.append(makeLine(item));
    root.append(fragment);
    trim();
    if (following) root.scrollTop = root.scrollHeight;
    else unseen += items.length;
    updateCount();
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
