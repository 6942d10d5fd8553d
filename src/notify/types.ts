/** What desktop notifications are about; each kind is throttled on its own. */
export type NotifyKind = "build-failed" | "recovered" | "crash-loop" | "unhealthy";

export interface Notification {
  kind: NotifyKind;
  title: string;
  body: string;
}

export interface Notifier {
  /** Shows a notification without waiting for it; never throws, never blocks. */
  notify(notification: Notification): void;
  /** Resolves when every notifier process started so far has exited (or was killed). */
  flush(): Promise<void>;
  /** Stops notifying and kills notifier processes still running. */
  close(): void;
  /** The mechanism in use ("notify-send", "gdbus", "osascript", "powershell"), or null when off. */
  readonly mechanism: Mechanism | null;
}

export type Mechanism = "notify-send" | "gdbus" | "osascript" | "powershell";
