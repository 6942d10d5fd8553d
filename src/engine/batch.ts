/**
 * A change batch, from the rules' decision to its action. Rules' commands (`run`) come
 * first, one at a time in rule order; batches arriving meanwhile join the one being
 * prepared (a command whose files changed again is run again), and the action of the
 * joined batch follows once every command succeeded. A failing command drops the action.
 */
import type { FileChange, RuleHit } from "../events/types.ts";
import { cancelHook, ruleRun, runHook } from "./hook-moves.ts";
import {
  buildOrRestart,
  cancelBackoff,
  cancelBuild,
  deploy,
  reloadBrowsers,
  startOrBuild,
  stopInstance,
  swapPending,
} from "./moves.ts";
import { type Decision, decide, onlyLiveCss, type RuleAction, strongest } from "./rules.ts";
import type { ChangeAction, Draft, PrepState } from "./types.ts";

export interface Batch {
  changes: FileChange[];
  fingerprint: string | null;
  /** Given by the caller (env files: restart) instead of decided by the rules. */
  action?: ChangeAction;
}

export function takeBatch(d: Draft, batch: Batch): void {
  const s = d.s;
  const own: Decision = batch.action
    ? {
        action: batch.action,
        changes: batch.changes,
        hits: batch.changes.map((c) => ({
          path: c.path,
          action: batch.action as RuleAction,
          rule: null,
          match: null,
        })),
        runs: [],
      }
    : decide(s.settings.rules, batch.changes);
  report(d, own);
  if (s.prep) {
    join(d, s.prep, batch, own);
    return;
  }
  if (own.runs.length === 0) {
    act(d, own.action, own.changes, batch.fingerprint);
    return;
  }
  s.prep = {
    changes: batch.action ? [] : batch.changes,
    forced: batch.action ? { action: batch.action, changes: batch.changes } : null,
    fingerprint: batch.fingerprint,
    pending: own.runs.map((r) => r.rule),
    current: null,
  };
  nextRun(d);
}

/** The running command succeeded: the next one, or the batch's action when none is left. */
export function runSucceeded(d: Draft): void {
  const prep = d.s.prep;
  if (!prep) return;
  d.s.prep = { ...prep, current: null };
  nextRun(d);
}

function nextRun(d: Draft): void {
  const s = d.s;
  const prep = s.prep;
  if (!prep) return;
  const [rule, ...rest] = prep.pending;
  if (rule === undefined) {
    s.prep = null;
    const decision = decide(s.settings.rules, prep.changes);
    const forced = prep.forced;
    const action = forced ? strongest(forced.action, decision.action) : decision.action;
    act(d, action, [...decision.changes, ...(forced?.changes ?? [])], prep.fingerprint);
    return;
  }
  const run = ruleRun(d, rule);
  if (!run) {
    s.prep = { ...prep, pending: rest };
    nextRun(d);
    return;
  }
  const files = prep.changes.filter((c) => firstRule(d, c.path) === rule).map((c) => c.path);
  const hook = runHook(d, "run", run, { files, rule });
  s.prep = { ...prep, pending: rest, current: { rule, hook } };
}

function firstRule(d: Draft, path: string): number {
  return d.s.settings.rules.findIndex((r) => r.test(path));
}

/** A batch during the rules' commands joins the batch being prepared. */
function join(d: Draft, prep: PrepState, batch: Batch, own: Decision): void {
  const s = d.s;
  const merge = (old: FileChange[], added: FileChange[]) => {
    const paths = new Set(added.map((c) => c.path));
    return [...old.filter((c) => !paths.has(c.path)), ...added];
  };
  let { current, pending } = prep;
  const forced = batch.action
    ? {
        action: prep.forced ? strongest(prep.forced.action, batch.action) : batch.action,
        changes: merge(prep.forced?.changes ?? [], batch.changes),
      }
    : prep.forced;
  for (const { rule } of own.runs) {
    if (current?.rule === rule) {
      // Its files changed again while it ran: run it again on what is there now.
      cancelHook(d, current.hook);
      current = null;
    }
    if (!pending.includes(rule)) pending = [...pending, rule].sort((a, b) => a - b);
  }
  s.prep = {
    changes: batch.action ? prep.changes : merge(prep.changes, batch.changes),
    forced,
    fingerprint: batch.fingerprint ?? prep.fingerprint,
    pending,
    current,
  };
  if (!current) nextRun(d);
}

/** The action of a batch whose commands (if any) have run. */
function act(d: Draft, action: RuleAction, changes: FileChange[], fp: string | null): void {
  const s = d.s;
  const paths = changes.map((c) => c.path);
  if (action === "ignore") return;
  if (action === "reload") {
    // Stylesheets the running server serves from disk apply at once, build or not.
    if (onlyLiveCss(s.settings.rules, paths)) reloadBrowsers(d, paths, true);
    // A swap under way reloads the pages once the new server is ready.
    else if (s.build || s.candidate || swapPending(s)) s.pending = s.pending ?? "reload";
    else reloadBrowsers(d, paths);
    return;
  }
  s.halted = false;
  cancelBackoff(d);
  const reason = describe(changes);
  if (action === "restart") {
    // A build under way starts a fresh process anyway, which sees what changed; should the
    // build fail, the running server is restarted then.
    if (s.build) {
      s.pending = "restart";
      return;
    }
    if (!s.active && !s.candidate) {
      startOrBuild(d, reason);
      return;
    }
    s.reload = {
      seq: s.buildSeq,
      files: changes.length,
      timing: {},
      stageStart: d.now,
      action: "restart",
      paths,
    };
    deploy(d, "restart");
    return;
  }
  if (s.build) {
    if (s.settings.onBusy === "queue") {
      const queued = s.rebuildQueued;
      s.rebuildQueued = {
        reason,
        files: (queued?.files ?? 0) + changes.length,
        paths: [...(queued?.paths ?? []), ...paths],
      };
      return;
    }
    // The cancelled build's files are still unbuilt: the next build's hooks get them too.
    const unbuilt = s.build.paths;
    cancelBuild(d, "newer changes arrived");
    paths.unshift(...unbuilt.filter((p) => !paths.includes(p)));
  }
  if (fp !== null && !s.rebuildQueued && skipByFingerprint(d, fp)) return;
  if (swapPending(s)) {
    // A stop-first swap is under way: let it finish, then build the newer tree.
    s.rebuildQueued = { reason, files: changes.length, paths };
    return;
  }
  if (s.candidate) stopInstance(d, s.candidate, "superseded");
  buildOrRestart(d, reason, fp, changes.length, paths);
}

/**
 * The tree is byte for byte what an instance already runs: nothing to build. A candidate
 * that runs another tree is stale then, and stopped.
 */
function skipByFingerprint(d: Draft, fingerprint: string): boolean {
  const s = d.s;
  const candidate = s.candidate?.fingerprint === fingerprint;
  const active = s.active?.status === "running" && s.active.fingerprint === fingerprint;
  if (!candidate && !active) return false;
  if (!candidate && s.candidate) stopInstance(d, s.candidate, "superseded");
  // The tree is back to a build that succeeded: an earlier failure is over.
  s.lastBuildFailed = false;
  s.reload = null;
  d.effects.push({
    type: "emit",
    event: { type: "build.skipped", reason: "the tree fingerprint equals the running build's" },
  });
  return true;
}

/** Said when a rule decided for a file: the log explains it, --json carries it. */
function report(d: Draft, decision: Decision): void {
  const hits: RuleHit[] = decision.hits;
  if (hits.every((h) => h.rule === null)) return;
  const rules = d.s.settings.rules;
  d.effects.push({
    type: "emit",
    event: {
      type: "rules.applied",
      action: decision.action,
      hits,
      runs: decision.runs.map((r) => rules[r.rule]?.run?.command ?? ""),
    },
  });
}

function describe(changes: { path: string; kind: string }[]): string {
  const first = changes[0];
  if (!first) return "change";
  const more = changes.length > 1 ? ` and ${changes.length - 1} more` : "";
  return `${first.path} (${first.kind})${more}`;
}
