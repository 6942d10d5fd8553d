/** Commands from the keyboard and the dashboard: rebuild, restart, start, stop, quit. */

import { cancelAllHooks, cancelHook } from "./hook-moves.ts";
import {
  buildOrRestart,
  cancelBackoff,
  cancelBuild,
  deploy,
  exitIfDone,
  startOrBuild,
  stopAll,
  stopInstance,
} from "./moves.ts";
import type { CommandKind, Draft } from "./types.ts";

export function onCommand(d: Draft, command: CommandKind): void {
  const s = d.s;
  switch (command) {
    case "rebuild":
      s.halted = false;
      cancelBackoff(d);
      cancelBuild(d, "rebuild requested");
      if (s.candidate) stopInstance(d, s.candidate, "superseded");
      buildOrRestart(d, "rebuild requested", s.active?.fingerprint ?? null, 0);
      return;
    case "restart":
      s.halted = false;
      cancelBackoff(d);
      if (s.active?.status === "running") deploy(d, "restart");
      else if (!s.active && !s.candidate) startOrBuild(d, "start requested");
      return;
    case "start":
      s.halted = false;
      cancelBackoff(d);
      startOrBuild(d, "start requested");
      return;
    case "stop":
      s.halted = true;
      s.exited = null;
      // A batch whose rule commands are running would start the server again when they end.
      if (s.prep?.current) cancelHook(d, s.prep.current.hook);
      s.prep = null;
      cancelBackoff(d);
      stopAll(d, "stop");
      return;
    case "quit":
      s.quitting = true;
      cancelBackoff(d);
      if (s.build?.stage === "command") d.effects.push({ type: "cancelBuild", seq: s.build.seq });
      s.build = null;
      s.prep = null;
      cancelAllHooks(d);
      stopAll(d, "quit");
      exitIfDone(d);
      return;
  }
}
