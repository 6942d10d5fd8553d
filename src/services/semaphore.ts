/**
 * `max_parallel_builds`: a counting semaphore shared by the services' engines. Waiters are
 * served first come, first served; a release is idempotent, so a build that ends twice
 * (cancelled, then finished) never frees two slots.
 */
export interface Semaphore {
  acquire(): Promise<() => void>;
  /** Slots in use now. */
  busy(): number;
  /** Builds waiting for a slot. */
  waiting(): number;
}

export function createSemaphore(size: number): Semaphore {
  let busy = 0;
  const queue: ((release: () => void) => void)[] = [];
  const grant = (give: (release: () => void) => void) => {
    busy++;
    let released = false;
    give(() => {
      if (released) return;
      released = true;
      busy--;
      const next = queue.shift();
      if (next) grant(next);
    });
  };
  return {
    acquire: () =>
      new Promise((resolve) => {
        if (busy < size) grant(resolve);
        else queue.push(resolve);
      }),
    busy: () => busy,
    waiting: () => queue.length,
  };
}
