/**
 * A child of `parent` that also aborts after `timeoutMs`. Built from a plain controller and timer on purpose:
 * AbortSignal.timeout() inside AbortSignal.any() is only weakly held and can be collected before it fires.
 */
export interface Deadline {
  signal: AbortSignal;
  /** true when our own timer fired (not the parent) */
  timedOut(): boolean;
  dispose(): void;
}

export function deadline(parent: AbortSignal, timeoutMs: number): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(
    () => {
      expired = true;
      controller.abort(new Error(`no answer within ${timeoutMs} ms`));
    },
    Math.max(1, timeoutMs),
  );
  // never the reason a process stays alive: whatever waits on the signal keeps the loop busy itself
  timer.unref();
  return {
    signal: controller.signal,
    timedOut: () => expired && !parent.aborted,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}
