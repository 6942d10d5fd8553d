/**
 * The child of the log-throughput scenario (scenario-logs.ts), run as
 * `bun proc-log-writer.ts <pings> <seconds>`:
 *
 * 1. writes `<pings>` lines `TS <epoch ms>` 20 ms apart (first-line and idle latency);
 * 2. then prints `FLOOD` on stderr and writes 80-character lines as fast as the pipe takes them for `<seconds>`, with a
 *    `TS <epoch ms>` line every 100 ms (latency under load);
 * 3. prints `WROTE <bytes> <ms>` on stderr and sleeps, so the supervisor sees no exit (an
 *    exit would count as a crash and start the flood again).
 *
 * Writes are synchronous: a full pipe blocks the writer, so the bytes counted are the
 * bytes the reader (hotreload or the bench) accepted.
 */
import { writeSync } from "node:fs";

const pings = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 10);
const epoch = () => performance.timeOrigin + performance.now();

function writeAll(data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(1, data, offset);
    } catch (error) {
      // A non-blocking pipe that is full: wait a moment and write the rest.
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Bun.sleepSync(1);
    }
  }
}

const encoder = new TextEncoder();
for (let i = 0; i < pings; i++) {
  writeAll(encoder.encode(`TS ${epoch()}\n`));
  await Bun.sleep(20);
}
await Bun.sleep(200);

const line = `INFO request handled path=/api/items status=200 bytes=512 took=3ms user=bench `;
const lines = `${line.padEnd(80, "x")}\n`.repeat(800); // 64,800 bytes
const chunk = encoder.encode(lines);
let bytes = 0;
process.stderr.write("FLOOD\n");
const started = performance.now();
const end = started + seconds * 1000;
let nextStamp = started;
for (let now = started; now < end; now = performance.now()) {
  if (now >= nextStamp) {
    const stamp = encoder.encode(`TS ${epoch()}\n`);
    writeAll(stamp);
    bytes += stamp.length;
    nextStamp += 100;
  }
  writeAll(chunk);
  bytes += chunk.length;
}
process.stderr.write(`WROTE ${bytes} ${(performance.now() - started).toFixed(1)}\n`);
await Bun.sleep(300_000);
