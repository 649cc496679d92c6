/**
 * The load-runs API: GET /api/load-runs, GET /api/load-runs/{run}, and POST /api/load-runs/{run}/shards/{i}, where a
 * shard of a sharded load run posts its `--json` result. Posting passes the control gate (the same bearer tokens as
 * the control API: incidents.apiTokens / incidents.apiToken).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ControlToken } from '../config/sections/incidents.js';
import { RUN_ID_PATTERN } from '../model/shard.js';
import type { Logger } from '../support/log.js';
import { fail, readBody, send } from './api-io.js';
import { controlGate } from './control.js';
import type { LoadRunStore } from './load-run-store.js';

/** a shard result is a few kilobytes; its histogram, compressed, rarely more than a few more */
const MAX_SHARD_BODY = 1024 * 1024;

export interface LoadRunsRoute {
  store: LoadRunStore;
  tokens: readonly ControlToken[];
}

async function postShard(route: LoadRunsRoute, req: IncomingMessage, res: ServerResponse, run: string, index: number, log: Logger): Promise<void> {
  const what = `POST /api/load-runs/${run}/shards/${index}`;
  const gate = controlGate(req, what, route.tokens);
  if (!gate.ok) {
    if (gate.status !== 405)
      log.warn({ request: what, status: gate.status, from: req.socket.remoteAddress, code: 'RP_ERR_API_REQUEST' }, 'control API request refused');
    return fail(res, gate.status, gate.message, gate.headers);
  }
  const text = await readBody(req, MAX_SHARD_BODY);
  if (text === null) return fail(res, 413, `body larger than ${MAX_SHARD_BODY} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(res, 400, "body: expected the shard's --json result", {}, 'RP_ERR_SHARD_INVALID');
  }
  await route.store.ready();
  const answer = route.store.accept(run, index, body);
  if (answer.status >= 400) log.warn({ request: what, status: answer.status, by: gate.who, answer: answer.body }, 'load-run shard refused');
  else log.info({ run, shard: index, by: gate.who }, 'load-run shard received');
  send(res, answer.status, answer.body);
}

export async function handleLoadRunsApi(route: LoadRunsRoute, req: IncomingMessage, res: ServerResponse, url: URL, log: Logger): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  const match = /^\/api\/load-runs(?:\/([^/]+))?(?:\/shards\/([^/]+))?$/.exec(path);
  if (!match) return false;
  const [, run, shard] = match;
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (run !== undefined && !RUN_ID_PATTERN.test(run)) {
    fail(res, 400, `run id: 1-64 letters, digits, '.', '_' or '-', got ${JSON.stringify(run.slice(0, 80))}`);
    return true;
  }
  if (shard !== undefined) {
    const index = Number(shard);
    if (req.method !== 'POST') fail(res, 405, `${req.method} not allowed; use POST`, { allow: 'POST' });
    else if (!/^\d{1,4}$/.test(shard) || index < 1) fail(res, 400, `shard index: a whole number from 1, got ${JSON.stringify(shard.slice(0, 20))}`);
    else await postShard(route, req, res, run, index, log);
    return true;
  }
  if (!read) {
    fail(res, 405, `${req.method} not allowed; use GET (shards POST to /api/load-runs/{run}/shards/{i})`, { allow: 'GET, HEAD' });
    return true;
  }
  if (run === undefined) send(res, 200, { runs: route.store.list() });
  else {
    const view = route.store.get(run);
    if (view) send(res, 200, view);
    else fail(res, 404, `no load run ${run} (runs appear when their first shard posts its result)`);
  }
  return true;
}
