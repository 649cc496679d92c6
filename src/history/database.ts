/**
 * The history database: one SQLite file (node:sqlite, built into Node: nothing to compile) in WAL mode. A commit is a
 * WAL append; synchronous=NORMAL syncs at checkpoints only, so a killed process loses nothing it committed and a power
 * cut at most the last commits, never the file's consistency. incremental auto-vacuum lets pruning hand pages back to
 * the file system a few at a time instead of one long VACUUM.
 */
import { mkdirSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export const HISTORY_FILE = 'history.sqlite';
const SCHEMA_VERSION = 2;
/** the reserved probe id of the service-level series (every probe's results together) */
export const SERVICE_ID = 0;

/**
 * Hour and day rows are rewritten at most once a minute (writer.ts), raw results every second. A result's rowid is
 * the writer's sequence number: `counted_to` on a row is the last one it counts, `aggregated` the sequence up to
 * which every row on disk is complete, `issued` the last number given out (results whose rows a crash lost included),
 * so that the next process neither counts a result twice nor reuses a number a row has counted.
 */
const WRITER_STATE = `CREATE TABLE IF NOT EXISTS writer_state (
  id INTEGER PRIMARY KEY CHECK (id = 0), issued INTEGER NOT NULL, aggregated INTEGER NOT NULL
);`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS probes (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS results (
  probe INTEGER NOT NULL, t INTEGER NOT NULL, status INTEGER NOT NULL, duration_ms REAL NOT NULL, code TEXT
);
CREATE TABLE IF NOT EXISTS hours (
  hour INTEGER NOT NULL, probe INTEGER NOT NULL, count INTEGER NOT NULL, failures INTEGER NOT NULL, ok_sum_ms REAL NOT NULL,
  latency BLOB NOT NULL, minutes BLOB NOT NULL, counted_to INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (hour, probe)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS days (
  day INTEGER NOT NULL, probe INTEGER NOT NULL, count INTEGER NOT NULL, failures INTEGER NOT NULL, ok_sum_ms REAL NOT NULL,
  latency BLOB NOT NULL, counted_to INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (day, probe)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS severity (minute INTEGER PRIMARY KEY, worst INTEGER NOT NULL);
${WRITER_STATE}
INSERT OR IGNORE INTO probes (id, name, kind) VALUES (${SERVICE_ID}, '', 'service');
INSERT OR IGNORE INTO writer_state (id, issued, aggregated) VALUES (0, 0, 0);
`;

/**
 * Raw results have no index but their rowid: results arrive in time order, so rowid order is time order, and a read of
 * one probe's recent results walks back from the newest (reader.ts). An index on (probe, t) put every probe's next
 * entry on its own page: about a hundred pages rewritten per commit at 1,000 endpoints, for a lookup nothing in the
 * daemon makes. Version 1 had it; migrating drops it.
 *
 * Version 1 wrote every result's hour and day rows in the transaction of the result itself, so its rows count every
 * result on disk: both marks start at the newest result.
 */
const FROM_VERSION_1 = `
DROP INDEX IF EXISTS results_by_probe;
ALTER TABLE hours ADD COLUMN counted_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE days ADD COLUMN counted_to INTEGER NOT NULL DEFAULT 0;
${WRITER_STATE}
INSERT INTO writer_state (id, issued, aggregated) SELECT 0, coalesce(max(rowid), 0), coalesce(max(rowid), 0) FROM results;
`;

export class HistoryOpenError extends Error {
  constructor(
    message: string,
    /** where an unreadable file was moved, so nobody loses it */
    readonly movedTo?: string,
  ) {
    super(message);
  }
}

function configure(db: DatabaseSync): void {
  // auto_vacuum only takes effect on a new file, before the first table
  db.exec('PRAGMA auto_vacuum = INCREMENTAL');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA busy_timeout = 50');
  // The history shares its volume with the incident state (incidents.stateDir): its WAL must stay small, so a small
  // volume still has room for the state that pages. A checkpoint runs inside the commit that crosses this many pages
  // (256 KB, not the default 4 MB: also keeps that commit short), and the WAL file shrinks back to 256 KB after it.
  db.exec('PRAGMA wal_autocheckpoint = 64');
  db.exec('PRAGMA journal_size_limit = 262144');
  const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
  if (version > SCHEMA_VERSION) throw new HistoryOpenError(`history schema ${version} is newer than this build knows (${SCHEMA_VERSION})`);
  db.exec('BEGIN IMMEDIATE');
  try {
    if (version === 1) db.exec(FROM_VERSION_1);
    db.exec(SCHEMA);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
  const check = db.prepare('PRAGMA quick_check').get() as { quick_check: string };
  if (check.quick_check !== 'ok') throw new Error(`quick_check: ${check.quick_check}`);
}

/**
 * Opens (or creates) the file in `dir`. A file SQLite cannot read is moved aside and a new one started: history is
 * a convenience, probing must go on. Other failures (no permission, newer schema) throw HistoryOpenError.
 */
export function openDatabase(dir: string, now: number): { db: DatabaseSync; movedTo?: string } {
  const file = join(dir, HISTORY_FILE);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new HistoryOpenError(`cannot create ${dir}: ${(err as Error).message}`);
  }
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file);
    configure(db);
    return { db };
  } catch (err) {
    db?.close();
    if (err instanceof HistoryOpenError) throw err;
    const message = (err as Error).message;
    if (!/not a database|malformed|corrupt|quick_check/i.test(message)) throw new HistoryOpenError(`cannot open ${file}: ${message}`);
    const movedTo = `${file}.corrupt-${now}`;
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
    const fresh = new DatabaseSync(file);
    configure(fresh);
    return { db: fresh, movedTo };
  }
}
