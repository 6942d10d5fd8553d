/**
 * Errors are values. Every failure a user can see carries a stable code, a message that
 * names what is wrong, and a hint with the action to take. Only src/main.ts turns them
 * into exit codes.
 */

/** Usage and configuration errors end the program at start (exit 2). */
export type UsageErrorCode =
  | "config.parse"
  | "config.unknown-key"
  | "config.invalid"
  | "config.not-found"
  | "config.not-a-file"
  | "config.too-large"
  | "config.no-exec"
  | "config.exec-not-found"
  | "config.health-check-url"
  | "config.health-check-path"
  | "config.proxy-port"
  | "root.missing"
  | "root.not-directory"
  | "flag.unknown"
  | "flag.invalid"
  | "init.exists"
  | "dashboard.port-in-use"
  | "dashboard.host-unavailable"
  | "proxy.port-in-use";

/** Runtime failures happen while running (exit 1). */
export type RuntimeErrorCode = "runtime.failure" | "runtime.spawn" | "runtime.io" | "runtime.bun";

export type ErrorCode = UsageErrorCode | RuntimeErrorCode;

export interface HotreloadError {
  readonly kind: "hotreload-error";
  readonly code: ErrorCode;
  /** What is wrong, naming the flag, key path or file:line:col. */
  readonly message: string;
  /** What the user can do about it. */
  readonly hint?: string;
  /** Extra lines shown under the message (a code frame, a list of problems). */
  readonly details?: readonly string[];
}

export function hotreloadError(
  code: ErrorCode,
  message: string,
  hint?: string,
  details?: readonly string[],
): HotreloadError {
  return { kind: "hotreload-error", code, message, hint, details };
}

/** A thrown wrapper, so deep code can abort with a value that main.ts unwraps. */
export class HotreloadFailure extends Error {
  constructor(readonly error: HotreloadError) {
    super(error.message);
    this.name = "HotreloadFailure";
  }
}

export function fail(
  code: ErrorCode,
  message: string,
  hint?: string,
  details?: readonly string[],
): never {
  throw new HotreloadFailure(hotreloadError(code, message, hint, details));
}

export function exitCodeFor(error: HotreloadError): 1 | 2 {
  return error.code.startsWith("runtime.") ? 1 : 2;
}

/** Result type for pure functions that can fail with a user-facing error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: HotreloadError };
