/**
 * The swaps scenario's load client (scenario-swaps.ts), in its own process so its timers
 * do not share an event loop with the scenario's bookkeeping:
 *
 *   bun proc-open-loop.ts <url> <requests per second> <timeout ms> <records file>
 *
 * Sends GET <url> on the open-loop schedule of open-loop.ts (a 1 ms timer sends whatever
 * is due; fetch's keep-alive pool opens more connections when answers are slow). Prints
 * `SEEN <version> <epoch ms>` the first time an answer names a version, so the scenario
 * knows when a reload is served. On SIGTERM it stops sending, waits for what is in flight
 * (each bounded by the timeout), writes every RequestRecord to the file as JSON and exits.
 */
import { writeFileSync } from "node:fs";
import { dueAt, nextDue, type RequestRecord, versionOf } from "./open-loop.ts";

const [url, rateArg, timeoutArg, out] = process.argv.slice(2);
if (!url || !out) throw new Error("usage: proc-open-loop.ts <url> <rate> <timeout ms> <file>");
const rate = Number(rateArg);
const timeoutMs = Number(timeoutArg);
const now = () => performance.timeOrigin + performance.now();

const records: RequestRecord[] = [];
const pending = new Set<Promise<void>>();
const seen = new Set<string>();

async function send(at: number): Promise<void> {
  const sent = now();
  const record: RequestRecord = { at, sent, end: 0, status: 0, error: null, version: null };
  try {
    const response = await fetch(url as string, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    record.status = response.status;
    record.version = versionOf(body);
  } catch (error) {
    record.error = (error as Error).name === "TimeoutError" ? "timeout" : "connection";
  }
  record.end = now();
  records.push(record);
  if (record.version !== null && !seen.has(record.version)) {
    seen.add(record.version);
    console.log(`SEEN ${record.version} ${record.end}`);
  }
}

const start = now();
let sent = 0;
const timer = setInterval(() => {
  const due = nextDue(sent, now() - start, rate);
  for (const index of due) {
    const request = send(start + dueAt(index, rate));
    pending.add(request);
    void request.finally(() => pending.delete(request));
  }
  sent += due.length;
}, 1);

process.on("SIGTERM", async () => {
  clearInterval(timer);
  await Promise.all(pending);
  writeFileSync(out, JSON.stringify(records));
  console.log(`DONE ${records.length}`);
  process.exit(0);
});
console.log(`STARTED ${start}`);
