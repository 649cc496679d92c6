/**
 * The incidents API the daemon mounts: GET /api/incidents[?status=open|resolved], GET /api/incidents/:id,
 * GET /api/incidents/:id/postmortem (Markdown, P0/P1), GET|POST /api/maintenance. Errors are JSON with a code.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseDuration } from '../config/duration.js';
import { parseMaintenance } from '../incidents/maintenance.js';
import type { IncidentManager } from '../incidents/manager.js';

const MAX_BODY = 16 * 1024;

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  const text = typeof body === 'string' ? body : `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  send(res, status, { error: { code: 'RP_ERR_API_REQUEST', message } });
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function authorized(req: IncomingMessage, token: string): boolean {
  if (!token) return true;
  const given = Buffer.from(/^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function maintenance(manager: IncidentManager, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' || req.method === 'HEAD') return send(res, 200, { windows: manager.maintenanceWindows() });
  if (req.method !== 'POST') return fail(res, 405, `${req.method} not allowed; use GET or POST`, { allow: 'GET, POST' });
  if (!authorized(req, manager.apiToken)) return fail(res, 401, 'a maintenance window silences paging: send Authorization: Bearer <incidents.apiToken>');
  const text = await readBody(req);
  if (text === null) return fail(res, 413, `body larger than ${MAX_BODY} bytes`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(res, 400, 'body: not valid JSON');
  }
  const parsed = parseMaintenance(body, manager.now(), parseDuration);
  if (!parsed.ok) return fail(res, 400, parsed.problem);
  const { start, end, reason } = parsed.window;
  await manager.setMaintenance({ start: new Date(start), end: new Date(end), reason });
  send(res, 201, { window: { start: new Date(start).toISOString(), end: new Date(end).toISOString(), reason } });
}

export async function handleIncidentApi(manager: IncidentManager, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const path = url.pathname.replace(/\/+$/, '');
  if (path === '/api/maintenance') {
    await maintenance(manager, req, res);
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
    const incidents = all.filter((i) => status === 'all' || (status === 'open') === i.open).map(({ timeline, ...rest }) => ({ ...rest, timelineEvents: timeline.length }));
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
