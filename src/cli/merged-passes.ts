/**
 * Work that must not race itself (applying a config edit): one pass at a time, and a
 * request during a pass is merged into one more pass after it, however many arrive.
 */
export interface MergedPasses {
  request(): void;
  /** Resolves once the pass under way (if any) and its follow-up are done. */
  settled(): Promise<void>;
  /** No pass starts after this. */
  close(): void;
}

export function createMergedPasses(
  pass: () => Promise<void>,
  onError: (error: unknown) => void,
): MergedPasses {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  let again = false;
  let closed = false;
  return {
    request() {
      if (closed) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      running = (async () => {
        try {
          do {
            again = false;
            await pass();
          } while (again && !closed);
        } catch (error) {
          onError(error);
        } finally {
          busy = false;
        }
      })();
    },
    settled: () => running,
    close() {
      closed = true;
    },
  };
}
