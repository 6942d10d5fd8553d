/**
 * /__hotreload/client.js as one classic script: the dashboard's ANSI renderer (ansi.js)
 * and output renderer (output-lines.js), then the client (ui/client.js), in one function
 * scope. The ES module syntax of those files is dropped here: `import` lines go (the files
 * come in dependency order), `export` keywords go, the overlay's style goes in as a string.
 */
import ansiJs from "../../dashboard/ui/ansi.js" with { type: "text" };
import outputLinesJs from "../../dashboard/ui/output-lines.js" with { type: "text" };
import clientJs from "./ui/client.js" with { type: "text" };
import overlayCss from "./ui/overlay.css" with { type: "text" };

function scriptBody(module: string): string {
  return module.replace(/^import [^;]+;\n/gm, "").replace(/^export /gm, "");
}

export function liveClientScript(): string {
  const client = scriptBody(clientJs).replace('"__OVERLAY_CSS__"', JSON.stringify(overlayCss));
  return `"use strict";\n(() => {\n${scriptBody(ansiJs)}\n${scriptBody(outputLinesJs)}\n${client}\n})();\n`;
}
