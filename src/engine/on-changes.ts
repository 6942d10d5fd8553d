/** A batch of real changes arrived: the rules decide what it triggers (batch.ts). */
import { takeBatch } from "./batch.ts";
import type { Draft, EngineInput } from "./types.ts";

export function onChanges(d: Draft, input: Extract<EngineInput, { type: "changes" }>): void {
  takeBatch(d, { changes: input.changes, fingerprint: input.fingerprint, action: input.action });
}
