/** Worker-thread host for the load engine, so load generation does not compete with the caller's event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../../src/model/errors.js';
import { runLoadEngine } from './engine.js';
import type { LoadPlan } from './types.js';
import type { FromWorker, ToWorker } from './offthread.js';

const port = parentPort;
if (port) {
  const controller = new AbortController();
  const post = (message: FromWorker): void => port.postMessage(message);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'stop') controller.abort();
  });
  const plan = (workerData as { plan: LoadPlan }).plan;
  runLoadEngine(plan, { signal: controller.signal, onProgress: (event) => post({ type: 'progress', event }) })
    .then((result) => post({ type: 'result', result }))
    .catch((err: unknown) => post({ type: 'failed', message: errorMessage(err) }));
}
