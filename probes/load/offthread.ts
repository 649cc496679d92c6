/** Runs the load engine in a worker thread; the caller's event loop (scheduler, /metrics) stays free. */
import { Worker } from 'node:worker_threads';
import { LoadRecorder } from './recorder.js';
import type { EngineHooks, EngineResult, LoadPlan } from './types.js';

export type ToWorker = { type: 'stop' };
export type FromWorker =
  | { type: 'progress'; event: Parameters<NonNullable<EngineHooks['onProgress']>>[0] }
  | { type: 'result'; result: EngineResult }
  | { type: 'failed'; message: string };

/** how long a worker may take to wind down after a stop before it is terminated */
const STOP_GRACE_MS = 3_000;

function failed(plan: LoadPlan, message: string): EngineResult {
  const recorder = new LoadRecorder();
  const latency = recorder.summary(plan.percentiles, { aborted: false, abortReason: null });
  recorder.close();
  return { latency, stopped: null, failure: message };
}

export function runLoadOffThread(plan: LoadPlan, hooks: EngineHooks): Promise<EngineResult> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: { plan } });
    let settled = false;
    let grace: NodeJS.Timeout | undefined;
    const finish = (result: EngineResult): void => {
      if (settled) return;
      settled = true;
      hooks.signal.removeEventListener('abort', onAbort);
      if (grace) clearTimeout(grace);
      void worker.terminate();
      resolve(result);
    };
    const onAbort = (): void => {
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
      grace = setTimeout(() => finish(failed(plan, 'load worker did not stop in time after cancellation')), STOP_GRACE_MS);
      grace.unref();
    };
    if (hooks.signal.aborted) onAbort();
    else hooks.signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'progress') hooks.onProgress?.(message.event);
      else if (message.type === 'result') finish(message.result);
      else finish(failed(plan, `load worker: ${message.message}`));
    });
    worker.on('error', (err) => finish(failed(plan, `load worker crashed: ${err.message}`)));
    worker.on('exit', (code) => finish(failed(plan, `load worker exited with code ${code} before reporting`)));
  });
}
