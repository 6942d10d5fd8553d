import { describe, expect, test } from "bun:test";
import {
  compileRoutes,
  createRouter,
  routeChanges,
  type ServiceWatch,
  watchPlan,
} from "../../src/services/route.ts";

const P = "/project";
function service(name: string, over: Partial<ServiceWatch> = {}): ServiceWatch {
  return {
    name,
    root: `${P}/${name}`,
    extraRoots: [],
    ext: [],
    ignorePatterns: [],
    alwaysIgnore: [],
    ...over,
  };
}

const api = service("api", {
  ext: [".go"],
  extraRoots: [`${P}/shared`],
  alwaysIgnore: [`${P}/api/bin`],
});
const web = service("web", {
  ext: ["ts", ".json"],
  extraRoots: [`${P}/shared`],
  ignorePatterns: ["**/*.test.ts"],
});
const worker = service("worker", { root: P, ext: [".py"], ignorePatterns: ["api/**", "web/**"] });

describe("watch plan", () => {
  test("disjoint directories: a shared dir is watched once", () => {
    const plan = watchPlan([api, web]);
    expect(plan.root).toBe(`${P}/api`);
    expect([...plan.extraRoots].sort()).toEqual([`${P}/shared`, `${P}/web`]);
    expect([...plan.ext].sort()).toEqual([".go", ".json", ".ts"]);
    expect(plan.alwaysIgnore).toEqual([`${P}/api/bin`]);
  });

  test("a service at the top holds the others' roots: one directory", () => {
    const plan = watchPlan([api, web, worker]);
    expect(plan.root).toBe(P);
    expect(plan.extraRoots).toEqual([]);
  });

  test("a root another service ignores (its own root, above an extra dir) stays watched", () => {
    const top = service("top", { root: P, alwaysIgnore: [P, `${P}/api`, `${P}/top-out`] });
    const plan = watchPlan([top, api]);
    expect(plan.alwaysIgnore).toEqual([`${P}/top-out`, `${P}/api/bin`]);
  });

  test("one service taking every file makes the shared stream take every file", () => {
    expect(watchPlan([api, service("docs")]).ext).toEqual([]);
  });
});

describe("routing", () => {
  const routes = compileRoutes([api, web, worker]);
  const route = (...paths: string[]) => {
    const out = routeChanges(
      P,
      paths.map((path) => ({ path, kind: "modify" as const })),
      routes,
    );
    return Object.fromEntries(
      [...out].map(([name, list]) => [name, list.map((l) => l.change.path)]),
    );
  };

  const cases: [string, string[], Record<string, string[]>][] = [
    ["a file of one service touches only it", ["api/main.go"], { api: ["main.go"] }],
    ["ext is each service's own", ["api/web.ts"], {}],
    [
      "the shared dir goes to each service that watches it",
      ["shared/util.go"],
      { api: ["../shared/util.go"] },
    ],
    ["a shared file both take", ["shared/types.json"], { web: ["../shared/types.json"] }],
    ["a service's build output is ignored for it", ["api/bin/x.go"], {}],
    ["ignore_patterns are each service's own", ["web/a.test.ts", "web/a.ts"], { web: ["a.ts"] }],
    [
      "the top-level service, its own ignores",
      ["tools/gen.py", "api/x.py"],
      { worker: ["tools/gen.py"] },
    ],
    [
      "one batch split between services",
      ["api/main.go", "web/app.ts", "shared/a.go", "shared/b.ts"],
      { api: ["main.go", "../shared/a.go"], web: ["app.ts", "../shared/b.ts"] },
    ],
    ["outside every service", ["/elsewhere/x.go"], {}],
  ];
  for (const [name, paths, expected] of cases)
    test(name, () => {
      expect(route(...paths)).toEqual(expected);
    });

  test("a file in a dir two services watch goes to both, once each", () => {
    const both = compileRoutes([
      service("a", { extraRoots: [`${P}/shared`] }),
      service("b", { extraRoots: [`${P}/shared`] }),
      service("c"),
    ]);
    const out = routeChanges(P, [{ path: "shared/x.txt", kind: "modify" }], both);
    expect([...out.keys()]).toEqual(["a", "b"]);
    expect(out.get("a")?.map((l) => l.change.path)).toEqual(["../shared/x.txt"]);
  });

  test("paths named relative to a plan root elsewhere (../) and absolute both resolve", () => {
    const out = routeChanges(
      `${P}/api`,
      [
        { path: "../shared/u.go", kind: "modify" },
        { path: `${P}/web/x.ts`, kind: "create" },
      ],
      routes,
    );
    expect(out.get("api")?.map((l) => l.change.path)).toEqual(["../shared/u.go"]);
    expect(out.get("web")?.map((l) => l.change)).toEqual([{ path: "x.ts", kind: "create" }]);
  });
});

describe("router fingerprints, per service", () => {
  test("each service's fingerprint moves only with its own files, and a revert returns to it", () => {
    const router = createRouter([api, web]);
    const root = router.plan.root; // the api root: changes are named from there
    const batch = (path: string, hash: number | null) => ({
      changes: [{ path, kind: hash === null ? ("delete" as const) : ("modify" as const) }],
      fingerprint: "whole-tree",
      hashes: new Map([[path, hash]]),
    });
    expect(root).toBe(`${P}/api`);
    const [a1] = router.route(batch("main.go", 1));
    const [w1] = router.route(batch("../web/app.ts", 7));
    const [a2] = router.route(batch("main.go", 2));
    const [a3] = router.route(batch("main.go", 1));
    expect(a1?.service).toBe("api");
    expect(w1?.service).toBe("web");
    expect(w1?.changes).toEqual([{ path: "app.ts", kind: "modify" }]);
    expect(a2?.fingerprint).not.toBe(a1?.fingerprint);
    expect(a3?.fingerprint).toBe(a1?.fingerprint as string);
    const [a4] = router.route(batch("main.go", null));
    expect(a4?.changes[0]?.kind).toBe("delete");
    expect(a4?.fingerprint).not.toBe(a1?.fingerprint);
  });

  test("a batch without hashes gives no fingerprint (never a wrong skip)", () => {
    const router = createRouter([api]);
    const [a] = router.route({ changes: [{ path: "x.go", kind: "modify" }], fingerprint: "f" });
    expect(a?.fingerprint).toBeNull();
  });
});
