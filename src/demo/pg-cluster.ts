/**
 * A throwaway PostgreSQL cluster from the installed binaries: initdb into a temp dir, password (scram) auth,
 * pg_stat_statements preloaded, 127.0.0.1 on a free port, socket inside the temp dir. initdb refuses to run as
 * root, so as root every server command runs as the `postgres` OS user. Kept free of node:test: tests, benches and
 * `probe demo` all use it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const DEBIAN_BIN_ROOT = '/usr/lib/postgresql';
const SERVER_USER = 'postgres';

export interface PgClusterOptions {
  /** keep it above 3: that many slots are reserved for superusers */
  maxConnections?: number;
  /** pg_hba.conf lines placed before the default password rule (the first matching line wins) */
  hba?: string[];
  /** false leaves pg_stat_statements out of shared_preload_libraries (the extension is still created) */
  preloadStatements?: boolean;
}

export interface PgCluster {
  /** postgres://user:password@127.0.0.1:PORT/db for an ordinary (non-superuser) role that owns `database` */
  url: string;
  superuserUrl: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** the same server with another role, password or database */
  urlFor(parts: { user?: string; password?: string; database?: string; params?: string }): string;
  /** stop the server but keep its data (an outage); `start()` brings it back on the same port */
  halt(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** stop for good and remove the temp dir */
  stop(): Promise<void>;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** `pg_config --bindir`, else the newest Debian version dir; null when there is no usable server build. */
export function pgBinDir(): string | null {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config on PATH: fall through to the packaged layout
  }
  try {
    const versions = execFileSync('ls', [DEBIAN_BIN_ROOT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const v of versions
      .split('\n')
      .filter(Boolean)
      .sort((a, b) => Number(b) - Number(a)))
      candidates.push(join(DEBIAN_BIN_ROOT, v, 'bin'));
  } catch {
    // not a Debian layout
  }
  return candidates.find((dir) => ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(dir, b)))) ?? null;
}

function serverUserIds(): { uid: number; gid: number } | null {
  try {
    const id = (flag: string): number =>
      Number(execFileSync('id', [flag, SERVER_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return null;
  }
}

function hasRunuser(): boolean {
  try {
    execFileSync('runuser', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** True when a cluster can be started here; callers skip with a clear reason otherwise. */
export function pgAvailable(): boolean {
  if (!pgBinDir()) return false;
  return !isRoot() || (serverUserIds() !== null && hasRunuser());
}

export const PG_UNAVAILABLE_REASON = 'PostgreSQL server binaries (initdb, pg_ctl) are not installed';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const live = new Set<() => void>();
process.once('exit', () => {
  for (const stopNow of live) stopNow();
});

/** Runs a server binary, as the `postgres` OS user when we are root (initdb and postgres refuse root). */
function serverCommand(bin: string, ids: { uid: number; gid: number } | null, cmd: string, args: string[]): [string, string[]] {
  return ids ? ['runuser', ['-u', SERVER_USER, '--', join(bin, cmd), ...args]] : [join(bin, cmd), args];
}

async function initCluster(
  dir: string,
  exec: (cmd: string, args: string[]) => Promise<void>,
  superPassword: string,
  options: PgClusterOptions,
): Promise<void> {
  const dataDir = join(dir, 'data');
  await writeFile(join(dir, 'pwfile'), `${superPassword}\n`, { mode: 0o644 });
  await exec('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    `--pwfile=${join(dir, 'pwfile')}`,
    '-A',
    'scram-sha-256',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  await rm(join(dir, 'pwfile'));
  const hba = [...(options.hba ?? []), 'local all all scram-sha-256', 'host all all 127.0.0.1/32 scram-sha-256'];
  await writeFile(join(dataDir, 'pg_hba.conf'), `${hba.join('\n')}\n`);
  const settings = [
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    `shared_preload_libraries = '${options.preloadStatements === false ? '' : 'pg_stat_statements'}'`,
    `max_connections = ${options.maxConnections ?? 40}`,
    // speed over durability, but commits must survive the immediate stops the outage tests use
    'fsync = off',
    'full_page_writes = off',
    'shared_buffers = 16MB',
  ];
  await appendFile(join(dataDir, 'postgresql.conf'), `\n${settings.join('\n')}\n`);
}

export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = pgBinDir();
  if (!bin || !pgAvailable()) throw new Error(PG_UNAVAILABLE_REASON);
  const ids = isRoot() ? serverUserIds() : null;
  const dir = await mkdtemp(join(tmpdir(), 'radar-pg-'));
  if (ids) await chown(dir, ids.uid, ids.gid);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const stopArgs = ['-D', dataDir, '-m', 'immediate', '-w', 'stop'];
  const exec = async (cmd: string, args: string[]): Promise<void> => {
    const [file, argv] = serverCommand(bin, ids, cmd, args);
    await run(file, argv, { cwd: dir });
  };
  let port = 0;
  const startServer = async (): Promise<void> => {
    try {
      await exec('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '30', '-o', `-p ${port}`, 'start']);
    } catch (err) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}\n${log.slice(-2000)}`, { cause: err });
    }
  };
  const halt = (): Promise<void> => exec('pg_ctl', stopArgs).catch(() => undefined);
  // for a test process that exits without calling stop(): nothing may outlive it
  const stopNow = (): void => {
    try {
      const [file, argv] = serverCommand(bin, ids, 'pg_ctl', stopArgs);
      execFileSync(file, argv, { cwd: dir, stdio: 'ignore' });
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const discard = async (): Promise<void> => {
    live.delete(stopNow);
    await halt();
    await rm(dir, { recursive: true, force: true });
  };

  const superPassword = randomBytes(12).toString('hex');
  const user = 'radar';
  const database = 'radar';
  const password = randomBytes(12).toString('hex');
  const urlFor = (parts: { user?: string; password?: string; database?: string; params?: string }): string =>
    `postgres://${encodeURIComponent(parts.user ?? user)}:${encodeURIComponent(parts.password ?? password)}@127.0.0.1:${port}/${encodeURIComponent(parts.database ?? database)}${parts.params ? `?${parts.params}` : ''}`;
  try {
    await initCluster(dir, exec, superPassword, options);
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await startServer();
        break;
      } catch (err) {
        if (attempt >= 3) throw err; // else another process took the port between our check and the bind
      }
    }
    live.add(stopNow);
    const asSuperuser = (db: string): string => urlFor({ user: 'postgres', password: superPassword, database: db });
    await superuserSql(asSuperuser('postgres'), [`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`, `CREATE DATABASE ${database} OWNER ${user}`]);
    await superuserSql(asSuperuser(database), ['CREATE EXTENSION pg_stat_statements']);
  } catch (err) {
    await discard();
    throw err;
  }
  return {
    url: urlFor({}),
    superuserUrl: urlFor({ user: 'postgres', password: superPassword, database: 'postgres' }),
    port,
    user,
    password,
    database,
    urlFor,
    halt,
    start: startServer,
    restart: async () => {
      await halt();
      await startServer();
    },
    stop: discard,
  };
}

/** Runs statements one by one as a superuser (CREATE DATABASE cannot share a transaction). */
export async function superuserSql(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}
