/**
 * The incidents API the daemon mounts: GET /api/incidents[?status=open|resolved], GET /api/incidents/:id,
 * GET /api/incidents/:id/postmortem (Markdown, P0/P1), GET|POST /api/maintenance, GET|DELETE /api/maintenance/:id.
 * Errors are JSON with a code. What changes state passes the control gate (./control.ts) and names a reason.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatDuration, parseDuration } from '../model/settings/duration.js';
import { parseMaintenance, reasonOf } from '../incidents/maintenance.js';
import type { IncidentManager } from '../incidents/manager.js';
import { silentLogger, type Logger } from '../support/log.js';
import { fail, readBody, send } from './api-io.js';
import { controlGate } from './control.js';

const MAX_BODY = 16 * 1024;

/** Passes the control gate and reads the JSON object body; answers the request itself when either fails. */
async function controlRequest(
  manager: IncidentManager,
  req: IncomingMessage,
  res: ServerResponse,
  what: string,
  log: Logger,
): Promise<{ who: string; body: Record<string, unknown> } | null> {
  const gate = controlGate(req, what, manager.controlTokens);
  if (!gate.ok) {
    if (gate.status !== 405)
      log.warn(
        { request: what, status: gate.status, origin: req.headers.origin, from: req.socket.remoteAddress, code: 'RP_ERR_API_REQUEST' },
        'control API request refused',
      );
    fail(res, gate.status, gate.message, gate.headers);
    return null;
  }
  const text = await readBody(req, MAX_BODY);
  if (text === null) {
    fail(res, 413, `body larger than ${MAX_BODY} bytes`);
    return null;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    fail(res, 400, 'body: expected a JSON object');
    return null;
  }
  return { who: gate.who, body: body as Record<string, unknown> };
}

async function addWindow(manager: IncidentManager, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  const request = await controlRequest(manager, req, res, 'POST /api/maintenance', log);
  if (!request) return;
  const limits = manager.maintenanceLimits;
  const parsed = parseMaintenance(request.body, manager.now(), parseDuration, limits.maxDuration);
  if (!parsed.ok) return fail(res, 400, parsed.problem);
  const { start, end, reason } = parsed.window;
  const change = await manager.setMaintenance({ start: new Date(start), end: new Date(end), reason, by: request.who });
  if (!change.ok)
    return fail(
      res,
      409,
      `${limits.windows} maintenance windows are already set (incidents.maintenanceLimits.windows): delete one first (DELETE /api/maintenance/:id)`,
    );
  const window = manager.maintenanceWindows().find((w) => w.id === change.window.id);
  send(res, 201, { window });
}

async function deleteWindow(manager: IncidentManager, req: IncomingMessage, res: ServerResponse, id: string, log: Logger): Promise<void> {
  const request = await controlRequest(manager, req, res, `DELETE /api/maintenance/${id}`, log);
  if (!request) return;
  const reason = reasonOf(request.body);
  if (typeof reason !== 'string') return fail(res, 400, reason.problem);
  const change = await manager.deleteMaintenance(id, request.who, reason);
  if (!change.ok) return fail(res, 404, `no maintenance window ${id} set through the API (windows from the config end when the config says)`);
  send(res, 200, { deleted: id });
}

async function maintenance(manager: IncidentManager, req: IncomingMessage, res: ServerResponse, id: string | undefined, log: Logger): Promise<void> {
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (id === undefined) {
    if (read)
      return send(res, 200, {
        windows: manager.maintenanceWindows(),
        limits: { windows: manager.maintenanceLimits.windows, maxDuration: formatDuration(manager.maintenanceLimits.maxDuration) },
      });
    if (req.method === 'POST') return addWindow(manager, req, res, log);
    return fail(res, 405, `${req.method} not allowed; use GET or POST (DELETE /api/maintenance/:id ends a window)`, { allow: 'GET, HEAD, POST' });
  }
  if (req.method === 'DELETE') return deleteWindow(manager, req, res, id, log);
  if (read) {
    const window = manager.maintenanceWindows().find((w) => w.id === id);
    return window ? send(res, 200, window) : fail(res, 404, `no maintenance window ${id}`);
  }
  return fail(res, 405, `${req.method} not allowed; use GET or DELETE`, { allow: 'GET, HEAD, DELETE' });
}

export async function handleIncidentApi(
  manager: IncidentManager,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  log: Logger = silentLogger(),
): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/api/deliveries/dead') {
    if (req.method !== 'GET' && req.method !== 'HEAD') fail(res, 405, `${req.method} not allowed; use GET`, { allow: 'GET' });
    else send(res, 200, { dead: manager.deadLetters() });
    return true;
  }
  const window = /^\/api\/maintenance(?:\/([\w-]{1,64}))?$/.exec(path);
  if (window) {
    await maintenance(manager, req, res, window[1], log);
    return true;
  }
  const match = /^\/api\/incidents(?:\/([^/]+))?(\/postmortem)?$/.exec(path);
  if (!match) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    fail(res, 405, `${req.method} not allowed; use GET`, { allow: 'GET' });
    return true;
  }
  const [, rawId, postmortem] = match;
  if (rawId === undefined) {
    const status = url.searchParams.get('status') ?? 'all';
    if (!['all', 'open', 'resolved'].includes(status)) {
      fail(res, 400, 'status: expected open, resolved or all');
      return true;
    }
    const all = manager.list();
    // the list stays small: timelines are served per incident
    const incidents = all
      .filter((i) => status === 'all' || (status === 'open') === i.open)
      .map(({ timeline, ...rest }) => ({ ...rest, timelineEvents: timeline.length }));
    // dependency notices are not incidents (they page nobody); they are listed beside them, never counted in `open`
    const notices = manager.notices().filter((n) => status === 'all' || (status === 'open') === n.open);
    send(res, 200, { open: all.filter((i) => i.open).length, incidents, noticesOpen: notices.filter((n) => n.open).length, notices });
    return true;
  }
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    fail(res, 400, 'incident id: bad percent-encoding');
    return true;
  }
  if (postmortem) {
    const markdown = manager.postmortem(id);
    if (markdown === undefined) fail(res, 404, manager.get(id) ? `${id} is not P0/P1: no post-mortem` : `no incident ${id}`);
    else send(res, 200, markdown, 'text/markdown; charset=utf-8');
    return true;
  }
  const view = manager.get(id);
  if (view) send(res, 200, view);
  else fail(res, 404, `no incident ${id}`);
  return true;
}
