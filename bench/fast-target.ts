/** A target that answers in microseconds, so at thousands of requests per second the client, not the target, is measured. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const SCRIPT = `import http from 'node:http'; const body = '{"status":"healthy"}'; const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); }); server.keepAliveTimeout = 65000; server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));`;

/** a child process (not this event loop); resolves with its URL once it listens */
export async function startFastTarget(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, url: chunk.toString().trim() };
}
