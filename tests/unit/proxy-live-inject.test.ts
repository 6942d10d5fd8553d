import { describe, expect, test } from "bun:test";
import { allowLiveClient } from "../../src/proxy/live/csp.ts";
import { createInjector } from "../../src/proxy/live/inject-scanner.ts";

const TAG = "<script src=/c.js></script>";
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Feeds `html` in chunks of `size` bytes and joins what comes out. */
function inject(html: string, size: number): { out: string; heldMax: number } {
  const injector = createInjector(enc.encode(TAG));
  const bytes = enc.encode(html);
  const parts: Uint8Array[] = [];
  let given = 0;
  let heldMax = 0;
  for (let i = 0; i < bytes.length; i += size) {
    given += Math.min(size, bytes.length - i);
    parts.push(...injector.push(bytes.subarray(i, i + size)));
    const out = parts.reduce((n, p) => n + p.length, 0);
    heldMax = Math.max(
      heldMax,
      given - (out - (parts.some((p) => dec.decode(p) === TAG) ? TAG.length : 0)),
    );
  }
  parts.push(...injector.end());
  return { out: dec.decode(Buffer.concat(parts)), heldMax };
}

describe("live-reload injection scanner", () => {
  const cases: [string, string, string][] = [
    [
      "before </head>",
      "<html><head><title>é</title></head><body>x</body></html>",
      `<html><head><title>é</title>${TAG}</head><body>x</body></html>`,
    ],
    ["any case, the first one", "<HEAD></HeAd><body></BODY>", `<HEAD>${TAG}</HeAd><body></BODY>`],
    ["before </body> without </head>", "<p>x</p></body></html>", `<p>x</p>${TAG}</body></html>`],
    ["appended without either", "<p>just a fragment", `<p>just a fragment${TAG}`],
    ["not fooled by </header>", "<header></header></head>", `<header></header>${TAG}</head>`],
    ["empty body", "", TAG],
  ];
  for (const [name, html, expected] of cases)
    test(`${name}, at every chunk size`, () => {
      for (let size = 1; size <= html.length + 1; size++) {
        const { out, heldMax } = inject(html, size);
        expect({ size, out }).toEqual({ size, out: expected });
        // Bounded: never more than a split closing tag held back.
        expect(heldMax).toBeLessThanOrEqual(6 + size);
      }
    });
});

describe("live-reload CSP rewrite", () => {
  const origin = "http://localhost:3000";
  const cases: { name: string; csp: string; policy: string; nonce: boolean }[] = [
    {
      name: "'self' already admits it",
      csp: "script-src 'self'; connect-src 'self'",
      policy: "script-src 'self'; connect-src 'self'",
      nonce: false,
    },
    {
      name: "strict-dynamic gets the nonce",
      csp: "script-src 'nonce-a' 'strict-dynamic'",
      policy: "script-src 'nonce-a' 'strict-dynamic' 'nonce-N'",
      nonce: true,
    },
    {
      name: "default-src 'none' gets its own script-src and connect-src",
      csp: "default-src 'none'",
      policy: `default-src 'none'; script-src 'nonce-N'; connect-src ${origin}/__hotreload/events`,
      nonce: true,
    },
    {
      name: "'unsafe-inline' alone keeps working: the exact URL, no nonce",
      csp: "script-src 'unsafe-inline' https://cdn.example",
      policy: `script-src 'unsafe-inline' https://cdn.example ${origin}/__hotreload/client.js`,
      nonce: false,
    },
    {
      name: "no script directive: untouched",
      csp: "img-src 'self'",
      policy: "img-src 'self'",
      nonce: false,
    },
    {
      name: "two policies: both admit it",
      csp: "script-src 'self', script-src 'none'",
      policy: "script-src 'self', script-src 'nonce-N'",
      nonce: true,
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const r = allowLiveClient(c.csp, origin, "N");
      expect(r).toEqual({ policy: c.policy, nonce: c.nonce ? "N" : null });
    });
});
