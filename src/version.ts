import pkg from "../package.json" with { type: "json" };

/** The version, embedded at build time (bun bundles package.json into the binary). */
export const VERSION: string = pkg.version;

/** The npm package (scoped: npm refuses `hotreload`, too close to `hot-reload`). */
export const PACKAGE_NAME: string = pkg.name;
