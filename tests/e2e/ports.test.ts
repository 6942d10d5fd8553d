/**
 * Ports: the dashboard's default stays clear of the app's port (and moves on when taken),
 * and a server that dies with "address already in use" is told who holds the port.
 */
import { expect, test } from "bun:test";
import { DEFAULT_DASHBOARD_PORT } from "../../src/config/schema.ts";
import { freePort, startHotreload } from "../helpers/hotreload-process.ts";
import { tempDir } from "../helpers/temp-dir.ts";

const APP = `Bun.serve({ port: Number(process.env.PORT), hostname: "127.0.0.1", fetch: () => new Response("app") });
console.log("listening on " + process.env.PORT);
setInterval(() => {}, 1 << 30);
`;

function listenOrNull(port: number) {
  try {
    return Bun.serve({ port, hostname: "127.0.0.1", fetch: () => new Response("holder") });
  } catch {
    // Taken already (by another program on this machine): it is just as taken for the test.
    return null;
  }
}

/** A process listening on `port`, started in `cwd`, that has said it listens. */
async function startHolder(cwd: string, port: number) {
  const proc = Bun.spawn([process.execPath, "holder.ts"], {
    cwd,
    env: { ...process.env, PORT: String(port) },
    stdout: "pipe",
    stderr: "inherit",
  });
  const reader = proc.stdout.getReader();
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toContain("listening");
  reader.releaseLock();
  return proc;
}

test("the default dashboard port is none of the usual app ports", () => {
  const usual = [3000, 3001, 4000, 4200, 5000, 5173, 5432, 8000, 8080, 8888, 9000, 9229];
  expect(usual).not.toContain(DEFAULT_DASHBOARD_PORT);
});

test("the dashboard's default port taken: the next free one is used and printed; the app keeps its port", async () => {
  using dir = tempDir();
  dir.write("app.ts", APP);
  const occupied = listenOrNull(DEFAULT_DASHBOARD_PORT);
  const probe = listenOrNull(3000);
  probe?.stop(true);
  const appPort = probe ? 3000 : freePort();
  try {
    // 3000 is free (unless another program on this machine has it): the app takes it, as Express would.
    await using hr = startHotreload(
      ["--dashboard", "--exec", "bun app.ts", "--env", `PORT=${appPort}`],
      {
        cwd: dir.path,
      },
    );
    const moved = await hr.waitFor("notice", (e) => e.tag === "dashboard");
    const port = Number(/uses (\d+)/.exec(moved.message)?.[1]);
    expect(moved.message).toBe(
      `port ${DEFAULT_DASHBOARD_PORT} is taken; the dashboard uses ${port}`,
    );
    expect(port).toBeGreaterThan(DEFAULT_DASHBOARD_PORT);
    await hr.waitFor("log", (e) => e.line === `listening on ${appPort}`);
    expect(hr.stderr.join("\n")).toContain(`http://127.0.0.1:${port}/?token=`);
    const page = await fetch(`http://127.0.0.1:${port}/`, {
      headers: { host: `127.0.0.1:${port}` },
    });
    expect(page.status).not.toBe(404);
    expect(await (await fetch(`http://127.0.0.1:${appPort}/`)).text()).toBe("app");
  } finally {
    occupied?.stop(true);
  }
}, 60_000);

test("an explicit dashboard port that is taken is an error, not a silent move", async () => {
  using dir = tempDir();
  const port = freePort();
  const holder = listenOrNull(port);
  try {
    await using hr = startHotreload(
      ["--dashboard", "--dashboard-port", String(port), "--exec", "sleep 300"],
      {
        cwd: dir.path,
      },
    );
    expect(await hr.exited).toBe(2);
    expect(hr.stderr.join("\n")).toContain(`port ${port} is already in use`);
  } finally {
    holder?.stop(true);
  }
}, 60_000);

test("EADDRINUSE names the holder: a leftover of this project, another process, hotreload's own dashboard", async () => {
  using dir = tempDir();
  using elsewhere = tempDir();
  dir.write("app.ts", APP);
  dir.write("holder.ts", APP);
  elsewhere.write("holder.ts", APP);

  /** The app, in `dir`, wants the port a holder started in `holderCwd` has: what is said? */
  const clashWith = async (holderCwd: string, check: (message: string, pid: number) => void) => {
    const port = freePort();
    const holder = await startHolder(holderCwd, port);
    try {
      await using hr = startHotreload(["--exec", "bun app.ts", "--env", `PORT=${port}`], {
        cwd: dir.path,
      });
      const said = await hr.waitFor(
        "notice",
        (e) => e.tag === "run" && e.message.includes(`port ${port}`),
      );
      expect(said.level).toBe("warn");
      check(said.message, holder.pid);
    } finally {
      holder.kill("SIGKILL");
      await holder.exited;
    }
  };
  await clashWith(dir.path, (message, pid) => {
    expect(message).toContain(`held by a leftover of this project: pid ${pid} \``);
    expect(message).toContain("holder.ts");
    expect(message).toContain(`kill ${pid}`);
  });
  await clashWith(elsewhere.path, (message, pid) => {
    expect(message).toContain(`held by another process: pid ${pid} \``);
    expect(message).toContain(elsewhere.path);
  });

  const dashPort = freePort();
  await using hr = startHotreload(
    [
      "--dashboard",
      "--dashboard-port",
      String(dashPort),
      "--exec",
      "bun app.ts",
      "--env",
      `PORT=${dashPort}`,
    ],
    { cwd: dir.path },
  );
  const said = await hr.waitFor(
    "notice",
    (e) => e.tag === "run" && e.message.includes(`port ${dashPort}`),
  );
  expect(said.message).toContain(`hotreload's own dashboard (this process, pid ${hr.proc.pid})`);
}, 90_000);

test("with services: the clash is said for the service whose server hit it, naming the holder", async () => {
  using dir = tempDir();
  using elsewhere = tempDir();
  dir.write("app.ts", APP);
  elsewhere.write("holder.ts", APP);
  const taken = freePort();
  const holder = await startHolder(elsewhere.path, taken);
  try {
    dir.write(
      ".hotreload.yaml",
      [
        "notifications: { enabled: false }",
        "services:",
        "  web:",
        `    exec: ${JSON.stringify(`${process.execPath} app.ts`)}`,
        `    env: { PORT: "${freePort()}" }`,
        "  api:",
        `    exec: ${JSON.stringify(`${process.execPath} app.ts`)}`,
        `    env: { PORT: "${taken}" }`,
      ].join("\n"),
    );
    await using hr = startHotreload([], { cwd: dir.path });
    const said = await hr.waitFor(
      "notice",
      (e) => e.tag === "run" && e.message.includes(`port ${taken}`),
    );
    expect(said.service).toBe("api");
    expect(said.message).toContain(`held by another process: pid ${holder.pid} \``);
  } finally {
    holder.kill("SIGKILL");
    await holder.exited;
  }
}, 60_000);
