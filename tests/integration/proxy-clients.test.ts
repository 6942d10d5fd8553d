/**
 * Real clients through the proxy, beyond wrk and the browsers: ApacheBench, an HTTP/1.0
 * client whose `-k` keeps connections with `Connection: keep-alive` (it hung on the front
 * until answers said keep-alive back).
 */
import { expect, test } from "bun:test";
import { startEchoUpstream, startProxy } from "../helpers/proxy-harness.ts";

const ab = Bun.which("ab");
if (!ab) console.warn("proxy-clients: skipped: needs ab (apt-get install apache2-utils)");

test.skipIf(!ab)(
  "ApacheBench -k (HTTP/1.0 keep-alive): every request kept alive, none failed",
  async () => {
    await using up = startEchoUpstream("a");
    await using proxy = await startProxy();
    proxy.route(up.target);
    const run = Bun.spawn(
      [
        ab as string,
        "-q",
        "-k",
        "-n",
        "2000",
        "-c",
        "4",
        "-s",
        "10",
        `http://127.0.0.1:${proxy.port}/ab`,
      ],
      { stdout: "pipe", stderr: "pipe" },
    );
    const [out, err, code] = await Promise.all([
      new Response(run.stdout).text(),
      new Response(run.stderr).text(),
      run.exited,
    ]);
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(out)?.[1]);
    expect({ code, err: err.trim() }).toEqual({ code: 0, err: "" });
    expect(field("Complete requests")).toBe(2000);
    expect(field("Failed requests")).toBe(0);
    expect(field("Keep-Alive requests")).toBe(2000);
    // Non-2xx answers are listed only when there are some.
    expect(out).not.toContain("Non-2xx responses");
    expect(up.served).toBe(2000);
  },
  60_000,
);
