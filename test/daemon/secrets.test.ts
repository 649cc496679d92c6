/** Secrets planted in config and environment never come out: not in logs, /metrics, /api/results, incidents, status page. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closedPort, httpServer, type Running } from '../helpers/servers.js';
import { killOnExit, startDaemon, type DaemonProcess } from './harness.js';

const SECRETS = {
  dbPassword: 'PlantedDbPassw0rd-91x',
  openai: 'sk-planted-openai-0123456789abcdef',
  github: 'ghp_planted0123456789abcdefGHIJ',
  webhookPath: 'planted-webhook-secret-4f2a9c',
};

let echo: Running;
let daemon: DaemonProcess | undefined;

before(async () => {
  // An API that fails and repeats the request back (path and Authorization): the worst case for leaking.
  echo = await httpServer((req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`failed ${req.url ?? ''} auth=${req.headers.authorization ?? ''}`);
  });
});
after(async () => {
  killOnExit(daemon);
  await echo.close();
});

test('no planted secret appears in logs, metrics, results, incidents or the status page', async () => {
  const dead = await closedPort();
  daemon = await startDaemon(
    `
target: ${echo.url}
timeout: 2s
endpoints:
  - { name: health, path: "/health?token=\${GITHUB_TOKEN}", headers: { Authorization: "Bearer \${OPENAI_API_KEY}" } }
  - { name: papers, path: /v1/papers }
database: { url: "\${DATABASE_URL}" }
external:
  openai: { url: "http://127.0.0.1:${dead}/v1" }
  github: { url: "http://127.0.0.1:${dead}" }
kubernetes: { enabled: false }
incidents: { stateDir: ./data, openAfter: 1 }
notify:
  - { type: log }
  - { type: webhook, url: "http://127.0.0.1:${dead}/hooks/${SECRETS.webhookPath}", retry: { initial: 100ms, max: 200ms } }
daemon: { host: 127.0.0.1, interval: 1s }
`,
    {
      args: ['--log-level', 'trace'],
      env: {
        OPENAI_API_KEY: SECRETS.openai,
        GITHUB_TOKEN: SECRETS.github,
        DATABASE_URL: `postgres://radar:${SECRETS.dbPassword}@127.0.0.1:${dead}/radar`,
      },
    },
  );
  await daemon.waitFor((l) => l.msg === 'incident opened', 10_000, 'an incident');
  await daemon.waitFor((l) => /delivery failed/.test(l.msg), 10_000, 'a failed webhook delivery');
  const surfaces: Record<string, string> = {};
  for (const path of ['/metrics', '/api/results', '/api/report', '/api/incidents', '/', '/api/status', '/api/uptime'])
    surfaces[path] = (await daemon.get(path)).text;
  const incidents = JSON.parse(surfaces['/api/incidents']) as { incidents: { id: string }[] };
  for (const { id } of incidents.incidents) surfaces[`/api/incidents/${id}`] = (await daemon.get(`/api/incidents/${id}`)).text;
  // the probes did see the secrets: the failing endpoint's path is in the results, redacted
  assert.match(surfaces['/api/results'], /\/health\?token=\[REDACTED\]/);
  await daemon.stop('SIGTERM');
  surfaces['log (stdout + stderr)'] = daemon.output();
  for (const [where, text] of Object.entries(surfaces)) {
    for (const [name, secret] of Object.entries(SECRETS)) {
      assert.equal(text.includes(secret), false, `${name} leaked into ${where}`);
    }
  }
});
