export { chooseMechanism, type Env, hasDisplay } from "./choose-mechanism.ts";
export { firstErrorLine } from "./first-error-line.ts";
export { createNotifier, DEFAULT_NOTIFY_TIMEOUT_MS, type NotifierOptions } from "./notifier.ts";
export { commandFor, type NotifyCommand } from "./notify-argv.ts";
export { DEFAULT_THROTTLE_MS } from "./throttle.ts";
export type { Mechanism, Notification, Notifier, NotifyKind } from "./types.ts";
