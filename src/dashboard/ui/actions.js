// The action buttons: a click sends the command and the button reads "Restarting…" until
// the engine's acknowledgement; then the line under the buttons says what it did. Each
// button waits on its own; the server answers every message in order, so an `ack` or an
// `error` settles the oldest command still waiting.
const ACK_TIMEOUT_MS = 5000;
const RESULT_SHOWN_MS = 10_000;

const PENDING_LABEL = {
  rebuild: "Rebuilding…",
  restart: "Restarting…",
  stop: "Stopping…",
  start: "Starting…",
  clear: "Clearing…",
};

/**
 * `send(command)` returns false when it cannot send; `settled()` runs after each answer
 * (the header redraws the Stop/Start label). `target()` names the service the buttons act
 * on (with `services:`), or null for every one; the pending line and the result say it.
 */
export function createActions({ buttons, resultEl, send, settled, target = () => null }) {
  const pending = [];
  let resultTimer = 0;

  /** The line under the buttons; a result is news for a while, not a state. */
  function show(text, kind) {
    resultEl.textContent = text;
    resultEl.dataset.kind = kind;
    clearTimeout(resultTimer);
    if (text !== "" && kind !== "") resultTimer = setTimeout(() => show("", ""), RESULT_SHOWN_MS);
  }

  /** Ends the wait for `item` (default: the oldest); `text(item)` is the result shown. */
  function settle(kind, text, item = pending[0]) {
    const at = pending.indexOf(item);
    if (at < 0) return;
    pending.splice(at, 1);
    clearTimeout(item.timer);
    delete item.button.dataset.pending;
    item.button.removeAttribute("aria-busy");
    item.button.textContent = item.label;
    show(text(item), kind);
    settled();
  }

  for (const button of buttons) {
    button.addEventListener("click", () => {
      if (button.dataset.pending) return;
      const command = button.dataset.command;
      const service = command === "clear" ? null : target();
      if (!send(command, service)) return;
      const name = service ? `${command} ${service}` : command;
      const item = { command: name, button, label: button.textContent, timer: 0 };
      item.timer = setTimeout(
        () => settle("bad", () => `${name}: no answer from hotreload`, item),
        ACK_TIMEOUT_MS,
      );
      pending.push(item);
      button.dataset.pending = "true";
      button.setAttribute("aria-busy", "true");
      button.textContent = PENDING_LABEL[command] ?? `${command}…`;
      show(`${name}: waiting for hotreload…`, "");
    });
  }

  return {
    acknowledged(msg) {
      settle("ok", (p) => `${p.command}: ${msg.result}`);
    },
    /** An `error` reply: true when it answered a waiting command. */
    refused(message) {
      if (pending.length === 0) return false;
      settle("bad", (p) => `${p.command} refused: ${message}`);
      return true;
    },
    /** The connection dropped: nothing waiting will be answered. */
    disconnected() {
      show("", "");
      for (const item of [...pending]) {
        settle("bad", (p) => `${p.command}: not confirmed, the connection was lost`, item);
      }
    },
  };
}
