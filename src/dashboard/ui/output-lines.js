// Build and server output as the pages show it: each line's ANSI colours rendered (ansi.js)
// and every `file:line:col` the server resolved turned into an editor link. Shared by the
// dashboard's error panel and the live-reload overlay on the app's pages (src/proxy/live/).
// Text only ever goes into text nodes.
import { renderAnsi } from "./ansi.js";

/** Wraps each exact occurrence of a link's text in the rendered output in an <a>. */
export function linkRefs(el, links) {
  if (links.length === 0) return;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  const nodes = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
  for (const node of nodes) {
    let rest = node.data;
    const out = document.createDocumentFragment();
    let changed = false;
    for (;;) {
      let best = null;
      for (const link of links) {
        const at = rest.indexOf(link.text);
        if (at >= 0 && (best === null || at < best.at)) best = { at, link };
      }
      if (best === null) break;
      changed = true;
      out.append(rest.slice(0, best.at));
      const a = document.createElement("a");
      a.href = best.link.href;
      a.className = "editor-link";
      a.title = `Open ${best.link.text} in your editor`;
      a.textContent = best.link.text;
      out.append(a);
      rest = rest.slice(best.at + best.link.text.length);
    }
    if (!changed) continue;
    out.append(rest);
    node.replaceWith(out);
  }
}

export function outputLines(out, lines, links) {
  for (const line of lines) {
    const row = document.createElement("span");
    renderAnsi(row, line);
    linkRefs(row, links);
    out.append(row, "\n");
  }
}
