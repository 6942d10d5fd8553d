/** Connects the bus to a notifier: folds events through notificationFor, keeping its state. */
import type { Sink } from "../events/bus.ts";
import { initialNotifyState, type NotifyState, notificationFor } from "./notification-for.ts";
import type { Notifier } from "./types.ts";

export function createNotificationSink(notifier: Notifier): Sink {
  let state: NotifyState = initialNotifyState;
  return (event) => {
    const step = notificationFor(event, state);
    state = step.state;
    if (step.notification) notifier.notify(step.notification);
  };
}
