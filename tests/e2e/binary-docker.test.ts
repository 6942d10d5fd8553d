/**
 * What the Docker files ship, without a Docker engine: the Dockerfile's build stage
 * replayed in a temp dir holding only what its COPY lines name (so a missing file or a
 * dependency the production install lacks fails here), the compose file's flags accepted
 * with the Go example's config, and a dashboard bound to 0.0.0.0 answering the
 * Host a browser on the Docker host sends (localhost:<port>) and refusing any other.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseDockerfile } from "../helpers/dockerfile.ts";
import { freePort, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const top = join(import.meta.dir, "..", "..");
const work = tempDir("hotreload-docker-");
let binary = "";

async function run(argv: string[], cwd: string) {
  const proc = Bun.spawn(argv, { cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}\n${out}\n${err}`);
  return out;
}

beforeAll(async () => {
  // The build stage, step by step: COPY what it names, RUN what it runs (with /src and
  // /out mapped into the temp dir).
  const build = parseDockerfile(readFileSync(join(top, "Dockerfile"), "utf8")).stages[0]!;
  const context = join(work.path, "src-root");
  for (const instruction of build.instructions) {
    if (instruction.keyword === "COPY") {
      const parts = instruction.args.split(/\s+/);
      for (const source of parts.slice(0, -1))
        cpSync(join(top, source), join(context, source), { recursive: true });
    } else if (instruction.keyword === "RUN") {
      const command = instruction.args.replaceAll("/out", join(work.path, "out"));
      await run(["sh", "-c", command], context);
    }
  }
  binary = join(work.path, "out", "hotreload");
  if (!existsSync(binary)) throw new Error("the build stage left no /out/hotreload binary");
}, 240_000);
afterAll(() => work[Symbol.dispose]());

describe.skipIf(process.platform !== "linux")("what the Docker image ships", () => {
  test("the build stage's binary runs", async () => {
    const pkg = JSON.parse(readFileSync(join(top, "package.json"), "utf8"));
    expect(await run([binary, "--version"], work.path)).toBe(`hotreload ${pkg.version}\n`);
  });

  test("the compose command's flags resolve with examples/go-server/.hotreload.yaml", async () => {
    const compose = parse(readFileSync(join(top, ".devcontainer", "compose.yaml"), "utf8"));
    using project = tempDir();
    cpSync(join(top, "examples", "go-server"), project.path, { recursive: true });
    const out = await run(
      [binary, "check", "--json", ...compose.services.app.command],
      project.path,
    );
    const resolved = JSON.parse(out);
    const config = resolved.config ?? resolved;
    expect(config.dashboard).toMatchObject({ enabled: true, host: "0.0.0.0", port: 3000 });
    expect(config.notifications.enabled).toBe(false);
    // The proxy owns the published port; the health check goes to each instance's own port.
    expect(config.proxy).toMatchObject({ enabled: true, host: "0.0.0.0", port: 8080 });
    expect(config.health_check.url).toBe("/health");
  });

  test("dashboard on 0.0.0.0: Host localhost:<port> is served, any other Host refused", async () => {
    using project = tempDir();
    using state = tempDir();
    project.write("app.sh", 'echo "up"; exec sleep 300\n');
    const port = freePort();
    await using hr = startHotreload(
      [
        ...["--exec", "sh app.sh", "--ext", ".sh", "--no-notifications", "--dashboard"],
        ...["--dashboard-host", "0.0.0.0", "--dashboard-port", String(port)],
      ],
      { cwd: project.path, command: [binary], env: { XDG_STATE_HOME: state.path } },
    );
    await hr.waitFor("log", (e) => e.line === "up");
    const get = async (host: string) => {
      for (let attempt = 0; ; attempt++) {
        try {
          return (await fetch(`http://127.0.0.1:${port}/`, { headers: { host } })).status;
        } catch (error) {
          // The dashboard may start a moment after the server's first line: retry, bounded.
          if (attempt > 100) throw error;
          await Bun.sleep(50); // polling interval of a deadline-bounded wait
        }
      }
    };
    expect(await get(`localhost:${port}`)).toBe(200);
    expect(await get(`127.0.0.1:${port}`)).toBe(200);
    expect(await get(`evil.example:${port}`)).toBe(403);
    expect(await get(`localhost:${port + 1}`)).toBe(403);
    expect(hr.stderr.join("\n")).toContain("reachable from other machines");
  });
});
