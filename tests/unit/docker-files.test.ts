/**
 * No Docker engine here: the Dockerfile, .dockerignore, compose file and devcontainer.json
 * are checked statically (they parse, hold the required instructions, and every path they
 * name exists), and the polling claim of docs/DOCKER.md is checked against the mountinfo
 * lines such mounts really produce. tests/e2e/binary-docker.test.ts replays the build
 * stage and runs the binary with the compose file's flags.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { TARGETS } from "../../scripts/build.ts";
import { parseDuration } from "../../src/config/duration.ts";
import { detectNoEventMount } from "../../src/watch/mountinfo.ts";
import { parseDockerfile, valuesOf } from "../helpers/dockerfile.ts";

const top = join(import.meta.dir, "..", "..");
const read = (rel: string) => readFileSync(join(top, rel), "utf8");
const { args, stages } = parseDockerfile(read("Dockerfile"));
const compose = parse(read(".devcontainer/compose.yaml"));
const devcontainer = JSON.parse(read(".devcontainer/devcontainer.json"));
const app = compose.services.app;

describe("Dockerfile", () => {
  test("stages: bun build → Go dev image → small final image", () => {
    expect(stages.map((s) => [s.from, s.name])).toEqual([
      [`oven/bun:${"$"}{BUN_VERSION}`, "build"],
      [`golang:${"$"}{GO_VERSION}-bookworm`, "dev-go"],
      ["debian:bookworm-slim", "hotreload"],
    ]);
    expect(args.map((a) => a.args)).toEqual(["BUN_VERSION=1.4.5", "GO_VERSION=1.27"]);
    expect(args[0]?.args).toBe(`BUN_VERSION=${Bun.version}`);
  });

  test("the build stage copies files that exist and builds with scripts/build.ts --host", () => {
    const build = stages[0]!;
    const sources = valuesOf(build, "COPY").flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(sources).toEqual([
      "package.json",
      "bun.lock",
      "LICENSE",
      "README.md",
      "src",
      "scripts/build.ts",
      "scripts/release/archive.ts",
    ]);
    for (const source of sources)
      expect({ source, exists: existsSync(join(top, source)) }).toEqual({ source, exists: true });
    expect(valuesOf(build, "RUN")).toContain(
      "bun scripts/build.ts --host --outdir /out && tar -xzf /out/hotreload-linux-*.tar.gz -C /out --strip-components=1 && /out/hotreload --version",
    );
  });

  test.each([["dev-go"], ["hotreload"]])(
    "%s: the binary, a non-root user, ENTRYPOINT hotreload",
    (name) => {
      const stage = stages.find((s) => s.name === name)!;
      expect(valuesOf(stage, "COPY")).toEqual([
        "--from=build --chmod=0755 /out/hotreload /usr/local/bin/hotreload",
      ]);
      const users = valuesOf(stage, "USER");
      expect(users.length).toBe(1);
      expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
      expect(valuesOf(stage, "ENTRYPOINT")).toEqual(['["hotreload"]']);
      expect(valuesOf(stage, "STOPSIGNAL")).toEqual(["SIGTERM"]);
      expect(valuesOf(stage, "RUN").join(" ")).toContain(`useradd --create-home --uid 1000`);
    },
  );

  test(".dockerignore keeps node_modules, dist and .git out of the context, not what COPY needs", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .filter((l) => l.trim() !== "" && !l.startsWith("#"));
    for (const entry of ["node_modules", "dist", ".git"]) expect(ignored).toContain(entry);
    for (const needed of ["package.json", "bun.lock", "LICENSE", "README.md", "src", "scripts"])
      expect(ignored).not.toContain(needed);
  });
});

describe("dev container", () => {
  test("compose builds the dev-go stage of the repository's Dockerfile", () => {
    const context = join(top, ".devcontainer", app.build.context);
    expect(context).toBe(top);
    expect(existsSync(join(context, app.build.dockerfile))).toBe(true);
    expect(stages.map((s) => s.name)).toContain(app.build.target);
  });

  test("mounts the source and runs in the Go example, which exists with its config", () => {
    expect(app.volumes[0]).toBe("..:/workspace:cached");
    const inRepo = app.working_dir.replace(/^\/workspace\//, "");
    expect(existsSync(join(top, inRepo, "go.mod"))).toBe(true);
    expect(existsSync(join(top, inRepo, ".hotreload.yaml"))).toBe(true);
    expect(app.volumes).toContain("cache:/home/dev/.cache");
    expect(Object.keys(compose.volumes)).toEqual(["cache"]);
  });

  test("ports on the host's loopback, same number inside (the dashboard's Host allow-list)", () => {
    expect(app.ports).toEqual(["127.0.0.1:8080:8080", "127.0.0.1:3000:3000"]);
    const command: string[] = app.command;
    const flag = (name: string) => command[command.indexOf(name) + 1];
    expect(flag("--dashboard-host")).toBe("0.0.0.0");
    expect(flag("--dashboard-port")).toBe("3000");
    expect(command).toContain("--dashboard");
    // The published app port is hotreload's proxy (the example's config turns it on).
    expect(flag("--proxy-host")).toBe("0.0.0.0");
    expect(read("examples/go-server/.hotreload.yaml")).toMatch(
      /proxy:\n\s+enabled: true\n\s+port: 8080/,
    );
  });

  test("a healthcheck on the example's /health, with time for the first build", () => {
    const check = app.healthcheck;
    expect(check.test).toEqual([
      "CMD",
      "curl",
      "-fsS",
      "-o",
      "/dev/null",
      "http://127.0.0.1:8080/health",
    ]);
    expect(read("examples/go-server/.hotreload.yaml")).toContain("/health");
    expect(parseDuration(check.start_period)).toBeGreaterThanOrEqual(60_000);
  });

  test("docker stop waits longer than hotreload's stop timeout", () => {
    const grace = parseDuration(app.stop_grace_period);
    const stopTimeout = /timeout:\s*(\S+)/.exec(read("examples/go-server/.hotreload.yaml"))?.[1];
    const timeout = parseDuration(stopTimeout ?? "5s");
    if (grace === null || timeout === null)
      throw new Error(
        `unreadable: stop_grace_period ${app.stop_grace_period}, stop.timeout ${stopTimeout}`,
      );
    // Stop timeout for the server, then hotreload's own exit: twice over is plenty.
    expect(grace).toBeGreaterThanOrEqual(timeout * 2);
    expect(app.init).toBeUndefined();
  });

  test("devcontainer.json points at the compose service and keeps hotreload as its process", () => {
    expect(existsSync(join(top, ".devcontainer", devcontainer.dockerComposeFile))).toBe(true);
    expect(Object.keys(compose.services)).toContain(devcontainer.service);
    expect(app.volumes[0].split(":")[1]).toBe(devcontainer.workspaceFolder);
    expect(devcontainer.overrideCommand).toBe(false);
    expect(devcontainer.remoteUser).toBe("dev");
    // compose publishes the ports; forwarding them again would map each one twice.
    expect(devcontainer.forwardPorts).toBeUndefined();
    expect(devcontainer.appPort).toBeUndefined();
    // ... and VS Code must not auto-forward them when it sees them listen.
    const published = app.ports.map((p: string) => p.split(":").at(-1));
    expect(Object.keys(devcontainer.portsAttributes).sort()).toEqual([...published].sort());
    for (const port of published)
      expect(devcontainer.portsAttributes[port].onAutoForward).toBe("ignore");
  });
});

test("the Alpine example installs the musl binaries' runtime libraries and unpacks a real asset", () => {
  const alpine = parseDockerfile(read("examples/alpine/Dockerfile")).stages[0]!;
  expect(alpine.from).toMatch(/^alpine:/);
  const runs = valuesOf(alpine, "RUN");
  expect(runs[0]).toBe("apk add --no-cache libstdc++ libgcc");
  const target = valuesOf(alpine, "ARG")
    .find((a) => a.startsWith("TARGET="))
    ?.slice(7);
  const musl: string[] = TARGETS.filter(([t]) => t.endsWith("-musl")).map(([, base]) => base);
  expect(musl).toContain(`hotreload-${target}`);
  const [url] = valuesOf(alpine, "ADD")[0]!.split(/\s+/);
  expect(url).toContain(`/releases/download/v\${HOTRELOAD_VERSION}/`);
  expect(url).toEndWith(`/hotreload-\${TARGET}.tar.gz`);
  // The member path is the archive's layout: hotreload-<target>/hotreload.
  expect(runs[1]).toContain(`--strip-components=1 hotreload-\${TARGET}/hotreload`);
  for (const doc of ["README.md", "docs/DOCKER.md"])
    expect({ doc, says: read(doc).includes("libstdc++") && read(doc).includes("libgcc") }).toEqual({
      doc,
      says: true,
    });
});

test("the Go version is named once: the Dockerfile's GO_VERSION", () => {
  const named = (rel: string) => [...read(rel).matchAll(/golang:(\d[\w.-]*)/g)].map((m) => m[1]);
  for (const rel of ["README.md", "docs/DOCKER.md", ".devcontainer/compose.yaml"])
    expect({ rel, versions: named(rel) }).toEqual({ rel, versions: [] });
  expect(named("Dockerfile")).toEqual([]);
});

describe("bind mounts without file events are detected (so polling is automatic)", () => {
  const line = (fsType: string, source: string) =>
    `1 0 0:1 / / rw - overlay overlay rw\n2 1 0:50 /host/src /workspace rw,relatime - ${fsType} ${source} rw`;
  test.each([
    ["fakeowner", "/run/host_mark/Users", "Docker Desktop file sharing"],
    ["fuse.grpcfuse", "grpcfuse", "Docker Desktop file sharing"],
    ["virtiofs", "mount0", "virtiofs VM share"],
    ["9p", "drvfs", "9p share (WSL2 Windows drive or VM share)"],
  ])("%s", (fsType, source, description) => {
    expect(detectNoEventMount(line(fsType, source), "/workspace/examples/go-server")).toMatchObject(
      {
        description,
      },
    );
  });

  test("a Linux host's bind mount (ext4) keeps native events", () => {
    expect(detectNoEventMount(line("ext4", "/dev/sda1"), "/workspace")).toBeNull();
  });
});
