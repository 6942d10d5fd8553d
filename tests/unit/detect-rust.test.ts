/** Cargo detection on real temp trees. */
import { expect, test } from "bun:test";
import { detectProject } from "../../src/config/detect/index.ts";
import { tempDir } from "../helpers/temp-dir.ts";

test("a Cargo package builds into the cache's target dir and runs its binary", () => {
  using dir = tempDir();
  dir.write("Cargo.toml", '[package]\nname = "svc"\nversion = "0.1.0"\n');
  const d = detectProject(dir.path, { cacheDir: "/c" })!;
  expect(d.build).toBe("cargo build --target-dir /c/target");
  expect(d.exec).toBe("/c/target/debug/svc");
  expect(d.outputs).toEqual(["/c"]);
});

test("several [[bin]] targets need an entry", () => {
  using dir = tempDir();
  dir.write(
    "Cargo.toml",
    '[package]\nname = "svc"\n\n[[bin]]\nname = "api"\npath = "src/api.rs"\n\n[[bin]]\nname = "cli"\npath = "src/cli.rs"\n',
  );
  expect(detectProject(dir.path, { cacheDir: "/c" })?.choices).toEqual(["api", "cli"]);
  const d = detectProject(dir.path, { cacheDir: "/c", entry: "cli" })!;
  expect(d.build).toBe("cargo build --target-dir /c/target --bin cli");
  expect(d.exec).toBe("/c/target/debug/cli");
});
