/**
 * A configuration reload's load, on a worker thread: YAML parsing cannot be interrupted, and at 20,000 endpoints the
 * parse, the schema and the planning of every scenario held the daemon's event loop for about four seconds, every
 * probe due meanwhile starting that late. The worker answers with the checked config, or with the error's code and
 * problems, which the reload reports as it would have reported them on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CliArgs } from './args.js';
import { loadSettings, type SettingsAnswer } from './settings.js';
import type { Env } from '../config/interpolate.js';

const { args, env, cwd } = workerData as { args: CliArgs; env: Env; cwd: string };
let answer: SettingsAnswer;
try {
  const { config, source } = await loadSettings(args, env, cwd);
  answer = { ok: true, config, source };
} catch (err) {
  const { code, problems } = err as { code?: unknown; problems?: unknown };
  answer = {
    ok: false,
    message: err instanceof Error ? err.message : String(err),
    ...(typeof code === 'string' ? { code } : {}),
    ...(Array.isArray(problems) ? { problems: problems.map(String) } : {}),
  };
}
parentPort?.postMessage(answer);
