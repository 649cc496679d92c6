/**
 * The history database: one SQLite file (node:sqlite, built into Node: nothing to compile) in WAL mode. A commit is a
 * WAL append; synchronous=NORMAL syncs at checkpoints only, so a killed process loses nothing it committed and a power
 * cut at most the last commits, never the file's consistency. incremental auto-vacuum lets pruning hand pages back to
 * the file system a few at a time instead of one long VACUUM.
 *
 * A damaged file is found where SQLite reads the damaged page, not by a scan at open: `PRAGMA quick_check` reads every
 * page, which on a 1.2 GB history (1,000 probes, 90 days) held the daemon's start, and with it the first probe, for
 * 16 s with a cold page cache. Whatever reads the damage (opening, a flush, pruning, an API read) reports it with
 * isDamaged(); the file is then moved aside and a new history starts, as at open.
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
  // a page whose cells point outside it is reported as damaged when read, not followed
  db.exec('PRAGMA cell_size_check = ON');
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
}

const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

/** SQLite read a damaged page (or a file that is no database at all); node:sqlite gives its result code as `errcode` */
export function isDamaged(err: unknown): boolean {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  if (typeof code !== 'number') return false;
  // an extended result code keeps the primary one in its low byte
  return (code & 0xff) === SQLITE_CORRUPT || (code & 0xff) === SQLITE_NOTADB;
}

/** Moves the file and its WAL aside, where nobody loses them; returns the new name. The file must be closed. */
export function moveAside(dir: string, now: number): string {
  const file = join(dir, HISTORY_FILE);
  const movedTo = `${file}.corrupt-${now}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  return movedTo;
}

/**
 * Opens (or creates) the file in `dir` and hands it to `use` (which reads what it needs to start: a damaged page it
 * reads counts as a damaged file too). A damaged file is moved aside and a new one started: history is a convenience,
 * probing must go on. Other failures (no permission, newer schema) throw HistoryOpenError.
 */
export function openDatabase<T>(dir: string, now: number, use: (db: DatabaseSync) => T): { opened: T; movedTo?: string } {
  const file = join(dir, HISTORY_FILE);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new HistoryOpenError(`cannot create ${dir}: ${(err as Error).message}`);
  }
  const attempt = (): T => {
    const db = new DatabaseSync(file);
    try {
      configure(db);
      return use(db);
    } catch (err) {
      db.close();
      throw err;
    }
  };
  try {
    return { opened: attempt() };
  } catch (err) {
    if (err instanceof HistoryOpenError) throw err;
    if (!isDamaged(err)) throw new HistoryOpenError(`cannot open ${file}: ${(err as Error).message}`);
    const movedTo = moveAside(dir, now);
    return { opened: attempt(), movedTo };
  }
}
