/**
 * A file replaced atomically: write a temp file, fsync it, rename it over the old one, fsync the directory. A kill
 * at any instant leaves either the previous or the next complete file (never a torn one).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

let tempCounter = 0;

/** Atomically replaces `dir/name` with `content`. A failed write leaves no temp file behind. */
export async function writeFileAtomic(dir: string, name: string, content: string): Promise<void> {
  const target = join(dir, name);
  // Replicas share the directory on a ReadWriteMany volume, and each is PID 1 in its own pod: the pid alone
  // would give two writers the same temp file.
  const temp = join(dir, `${name}.${process.pid}.${++tempCounter}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    // a full disk fails the write after the open: without this, every failed write leaves an empty temp file
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
