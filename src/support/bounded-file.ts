/** Reading an input file (config, baseline): a regular file of bounded size, checked on the open handle. */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';

export type FileRefusal = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

export class FileInputError extends Error {
  constructor(
    readonly refusal: FileRefusal,
    /** a short reason without the file's content, e.g. "a FIFO, expected a regular file" */
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'FileInputError';
  }
}

interface FileKind {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

export function describeKind(stats: FileKind): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function failure(err: unknown): FileInputError {
  if (err instanceof FileInputError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new FileInputError('missing', 'no such file');
  const reason =
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a parent is not a directory' : (code ?? 'read failed');
  return new FileInputError('unreadable', reason);
}

function notRegular(stats: FileKind): FileInputError {
  return new FileInputError('not-regular', `${describeKind(stats)}, expected a regular file`);
}

/** The file's text; FileInputError for anything that is not a readable regular file of at most maxBytes. */
export async function readBoundedFile(file: string, maxBytes: number): Promise<string> {
  // stat first: opening a FIFO for reading would wait for a writer
  const before = await stat(file).catch((err: unknown) => {
    throw failure(err);
  });
  if (!before.isFile()) throw notRegular(before);
  // O_NONBLOCK and fstat on the handle: the path may have been swapped for a FIFO since the stat
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: unknown) => {
    throw failure(err);
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegular(stats);
    const tooLarge = new FileInputError('too-large', `larger than the ${maxBytes} bytes allowed`);
    if (stats.size > maxBytes) throw tooLarge;
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > maxBytes) throw tooLarge;
    return buffer.subarray(0, bytesRead).toString('utf8');
  } catch (err) {
    throw failure(err);
  } finally {
    await handle.close();
  }
}
