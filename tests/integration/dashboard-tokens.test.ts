/**
 * Tokens across runs, probed as an attacker who kept the previous run's URL would: a second
 * dashboard on the same port gives that token nothing but the public page (no token, no
 * snapshot, no log, no status, no websocket, no command), and deletes it when a browser
 * offers it as a cookie. This run's token, given once in the URL, becomes an HttpOnly,
 * SameSite=Strict cookie that the page's websocket and API calls carry.
 */
import { afterEach, expect, test } from "bun:test";
import { cookieName } from "../../src/dashboard/cookie.ts";
import {
  rawHttp,
  startTestDashboard,
  statusOf,
  type TestDashboard,
  upgradeRequest,
} from "../helpers/dashboard-harness.ts";

const FIRST = "first-run-token-0123456789abcdefghijkl";
const SECOND = "second-run-token-0123456789abcdefghijk";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function start(token: string, port = 0): Promise<TestDashboard> {
  const d = await startTestDashboard({ token, port });
  cleanup.push(() => d.close());
  return d;
}

/** A first run is stopped and a second one listens on the same port. */
async function restarted(): Promise<TestDashboard> {
  const first = await start(FIRST);
  await first.close();
  return start(SECOND, first.port);
}

function get(d: TestDashboard, path: string, headers: Record<string, string> = {}) {
  return rawHttp(
    d.port,
    `${[
      `GET ${path} HTTP/1.1`,
      `Host: 127.0.0.1:${d.port}`,
      "Connection: close",
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ].join("\r\n")}\r\n\r\n`,
    /\r\n\r\n[\s\S]*\}$|<\/html>\s*$/,
  );
}

test("the previous run's token gets nothing beyond the public page", async () => {
  const d = await restarted();
  const seen: string[] = [];
  const asCookie = { Cookie: `${cookieName(d.port)}=${FIRST}` };
  const asHeader = { "X-Hotreload-Token": FIRST };
  for (const path of ["/api/snapshot", "/api/status", "/api/logs?end=99&limit=10"]) {
    for (const headers of [asCookie, asHeader]) {
      const answer = await get(d, path, headers);
      seen.push(answer);
      expect(statusOf(answer)).toBe(401);
    }
    const query = await get(d, `${path}${path.includes("?") ? "&" : "?"}token=${FIRST}`);
    seen.push(query);
    expect(statusOf(query)).toBe(401);
  }
  const upgrade = await rawHttp(d.port, upgradeRequest(d.port, { token: FIRST }));
  seen.push(upgrade);
  expect(statusOf(upgrade)).toBe(401);
  const byCookie = await rawHttp(
    d.port,
    upgradeRequest(d.port, { token: null, extra: [`Cookie: ${asCookie.Cookie}`] }),
  );
  seen.push(byCookie);
  expect(statusOf(byCookie)).toBe(401);
  const command = await fetch(`${d.origin}/api/command`, {
    method: "POST",
    headers: { origin: d.origin, "content-type": "application/json", cookie: asCookie.Cookie },
    body: JSON.stringify({ command: "restart" }),
  });
  expect(command.status).toBe(401);
  seen.push(await command.text(), JSON.stringify([...command.headers]));
  // The page is public (it holds no secret) and sets no cookie for a token it does not know.
  const page = await get(d, `/?token=${FIRST}`);
  expect(statusOf(page)).toBe(200);
  expect(page).not.toMatch(/set-cookie: hotreload_token_\d+=[^;]/i);
  seen.push(page);
  expect(d.commands).toEqual([]);
  for (const answer of seen) expect(answer).not.toContain(SECOND);
});

test("a browser offering the previous run's token as a cookie has it deleted", async () => {
  const d = await restarted();
  const cookie = `Cookie: ${cookieName(d.port)}=${FIRST}`;
  const cleared = new RegExp(
    `set-cookie: ${cookieName(d.port)}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`,
    "i",
  );
  expect(await get(d, "/", { Cookie: `${cookieName(d.port)}=${FIRST}` })).toMatch(cleared);
  expect(await get(d, "/api/status", { Cookie: `${cookieName(d.port)}=${FIRST}` })).toMatch(
    cleared,
  );
  const upgrade = await rawHttp(d.port, upgradeRequest(d.port, { token: null, extra: [cookie] }));
  expect(upgrade).toMatch(cleared);
});

test("this run's token in the URL becomes an HttpOnly, SameSite=Strict cookie that opens the API and the websocket", async () => {
  const d = await start(SECOND);
  const page = await get(d, `/?token=${SECOND}`);
  const set = new RegExp(
    `set-cookie: (${cookieName(d.port)}=${SECOND}); Path=/; HttpOnly; SameSite=Strict\\r\\n`,
    "i",
  );
  const cookie = set.exec(page)?.[1];
  expect(cookie).toBeDefined();
  const status = await get(d, "/api/status", { Cookie: `other=1; ${cookie}` });
  expect(statusOf(status)).toBe(200);
  expect(status).toContain('"maxClients":64');
  const upgrade = await rawHttp(
    d.port,
    upgradeRequest(d.port, { token: null, extra: [`Cookie: ${cookie}`] }),
    /\r\n\r\n/,
  );
  expect(statusOf(upgrade)).toBe(101);
  // Without the URL token no cookie is set.
  expect(await get(d, "/")).not.toMatch(/set-cookie/i);
});

test("the app on another port of the same host gets the cookie from the browser, and is refused all the same", async () => {
  const d = await start(SECOND);
  const cookie = `Cookie: ${cookieName(d.port)}=${SECOND}`;
  // Same site (cookies are not separated by port), another origin: the app at :8080.
  const fromApp = {
    Origin: "http://127.0.0.1:8080",
    "Sec-Fetch-Site": "same-site",
    "Sec-Fetch-Mode": "cors",
    Cookie: cookie.slice("Cookie: ".length),
  };
  expect(statusOf(await get(d, "/api/snapshot", fromApp))).toBe(403);
  // Without Fetch Metadata (an older browser), the Origin alone refuses it.
  expect(
    statusOf(await get(d, "/api/snapshot", { Origin: fromApp.Origin, Cookie: fromApp.Cookie })),
  ).toBe(403);
  const upgrade = await rawHttp(
    d.port,
    upgradeRequest(d.port, { token: null, origin: "http://127.0.0.1:8080", extra: [cookie] }),
  );
  expect(statusOf(upgrade)).toBe(403);
  const command = await fetch(`${d.origin}/api/command`, {
    method: "POST",
    headers: {
      origin: "http://127.0.0.1:8080",
      "content-type": "application/json",
      cookie: cookie.slice(8),
    },
    body: JSON.stringify({ command: "restart" }),
  });
  expect(command.status).toBe(403);
  expect(d.commands).toEqual([]);
});
