/**
 * An AbortSignal that aborts when `parent` does or after `ms`, whichever comes first, with a
 * `TimeoutError` reason for the latter (as AbortSignal.timeout gives).
 *
 * Why not `AbortSignal.any([parent, AbortSignal.timeout(ms)])`: the combined signal holds its
 * sources weakly, and a timeout signal nobody else references can be garbage-collected before it
 * fires, so under memory pressure the deadline silently never comes. Here a plain timer owns the
 * controller until it fires or `dispose()` clears it.
 */
export interface DeadlineSignal {
  signal: AbortSignal;
  /** Clears the timer and the parent listener; call once the guarded work has ended. */
  dispose(): void;
}

export function deadlineSignal(ms: number, parent?: AbortSignal): DeadlineSignal {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent!.reason);
  const timer = setTimeout(() => controller.abort(new DOMException(`timed out after ${ms} ms`, 'TimeoutError')), ms);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
