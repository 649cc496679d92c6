/** Real misbehaving servers on port 0, one per failure class the HTTP probe must name. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Running {
  url: string;
  port: number;
  close(): Promise<void>;
}

async function listen(server: Server | ReturnType<typeof createNetServer>, scheme = 'http'): Promise<Running> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Running> {
  return listen(createServer(handler));
}

/** Accepts TCP connections and never says a word. */
export function silentServer(): Promise<Running> {
  return listen(createNetServer(() => undefined));
}

/** A port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const running = await listen(createNetServer());
  await running.close();
  return running.port;
}

/** An HTTPS server presenting the given key and certificate. */
export function httpsServer(tls: { key: Buffer; cert: Buffer }, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Running> {
  return listen(createHttpsServer({ key: tls.key, cert: tls.cert }, handler), 'https');
}

/** A self-signed HTTPS server: a client that verifies certificates must refuse it. */
export function selfSignedHttpsServer(): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'rp-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) =>
    res.end('ok'),
  );
  return listen(server, 'https');
}

/**
 * A listener whose accept queue is full, so new SYNs are dropped and a connect hangs: the only honest way to get a
 * connect timeout on loopback. Python holds the socket because Node always accepts.
 */
export async function blackholeListener(): Promise<Running & { proc: ChildProcess }> {
  const script = [
    'import socket, sys, time',
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
    'port = s.getsockname()[1]',
    'fill = []',
    'for _ in range(8):',
    '    c = socket.socket(); c.setblocking(False)',
    '    try: c.connect(("127.0.0.1", port))',
    '    except BlockingIOError: pass',
    '    fill.append(c)',
    'print(port, flush=True)',
    'sys.stdin.read()',
  ].join('\n');
  const proc = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [chunk] = (await once(proc.stdout, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim());
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    close: async () => {
      proc.kill('SIGKILL');
      if (proc.exitCode === null) await once(proc, 'exit');
    },
  };
}

export interface RawHttpServer extends Running {
  /** requests that arrived (each head ending in an empty line), and connections accepted */
  readonly arrived: () => number;
  readonly connections: () => number;
}

/**
 * A TCP server that answers each request head it reads with whatever bytes `answer` writes on the socket: for
 * responses no HTTP library would send (split anywhere, 1xx, trailers, garbage, a body cut short).
 */
export async function rawHttpServer(answer: (index: number, socket: Socket, head: string) => void): Promise<RawHttpServer> {
  let arrived = 0;
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        answer(arrived++, socket, head);
      }
    });
  });
  const running = await listen(server);
  return { ...running, arrived: () => arrived, connections: () => connections };
}
