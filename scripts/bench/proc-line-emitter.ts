/**
 * The child of the dashboard scenario (scenario-dashboard.ts), run as
 * `bun proc-line-emitter.ts <lines per second>`: prints coloured request-log lines at that
 * rate, in ticks of 10 ms, until it is stopped. Each line ends with `ts=<epoch ms>` (the
 * time of its write) so a receiver can compute its delivery lag. `EMIT` on stderr marks
 * the start.
 */
export {};

const rate = Number(process.argv[2] ?? 10_000);
const perTick = Math.max(1, Math.round(rate / 100));
const epoch = () => performance.timeOrigin + performance.now();

process.stderr.write("EMIT\n");
let n = 0;
let next = performance.now();
for (;;) {
  let chunk = "";
  const ts = epoch().toFixed(2);
  for (let i = 0; i < perTick; i++, n++) {
    chunk += `\x1b[32mINFO\x1b[0m request ${n} \x1b[36mGET\x1b[0m /api/items/${n % 977} \x1b[1m200\x1b[0m in ${n % 50}ms ts=${ts}\n`;
  }
  process.stdout.write(chunk);
  next += 10;
  await Bun.sleep(Math.max(0, next - performance.now()));
}
