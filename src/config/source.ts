/** Reading a config file: a regular file of bounded size, checked on the open handle, never blocking on a FIFO. */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { ConfigError } from './errors.js';

/** A real config is a few kilobytes; a bound keeps parsing (which cannot be interrupted) to about a second. */
export const MAX_CONFIG_BYTES = 1_048_576;

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function refuse(shown: string, reason: string, code: 'RP_ERR_CONFIG_READ' | 'RP_ERR_CONFIG_NOT_FILE' | 'RP_ERR_CONFIG_TOO_LARGE'): ConfigError {
  return new ConfigError([`${shown}: cannot read config file: ${reason}`], code);
}

function readFailure(shown: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a parent is not a directory' : (code ?? 'read failed');
  return refuse(shown, reason, 'RP_ERR_CONFIG_READ');
}

/** The file's text; ConfigError (exit 2) for anything that is not a readable regular file of at most MAX_CONFIG_BYTES. */
export async function readConfigFile(file: string, shown: string): Promise<string> {
  // stat first: opening a FIFO for reading would wait for a writer
  const before = await stat(file).catch((err: unknown) => {
    throw readFailure(shown, err);
  });
  if (!before.isFile()) throw refuse(shown, `${kindOf(before)}, expected a regular file`, 'RP_ERR_CONFIG_NOT_FILE');
  // O_NONBLOCK and fstat on the handle: the path may have been swapped for a FIFO since the stat
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: unknown) => {
    throw readFailure(shown, err);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw refuse(shown, `${kindOf(stats)}, expected a regular file`, 'RP_ERR_CONFIG_NOT_FILE');
    if (stats.size > MAX_CONFIG_BYTES) throw refuse(shown, `${stats.size} bytes, more than the ${MAX_CONFIG_BYTES} allowed`, 'RP_ERR_CONFIG_TOO_LARGE');
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_CONFIG_BYTES) throw refuse(shown, `more than the ${MAX_CONFIG_BYTES} bytes allowed`, 'RP_ERR_CONFIG_TOO_LARGE');
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (err) {
    throw err instanceof ConfigError ? err : readFailure(shown, err);
  } finally {
    await handle.close();
  }
}
