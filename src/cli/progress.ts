import type { ProgressEvent } from '../../probes/types.js';

/** A progress bar on a TTY for load runs longer than about 2 s; silent everywhere else. */
export function progressBar(stream: NodeJS.WriteStream, enabled: boolean): { update: (e: ProgressEvent) => void; done: () => void } {
  let drawn = false;
  const update = (e: ProgressEvent): void => {
    if (!enabled || !stream.isTTY || e.elapsedMs < 2_000) return;
    const width = 30;
    const ratio = e.total ? Math.min(1, e.done / e.total) : 0;
    const bar = e.total
      ? `[${'#'.repeat(Math.round(ratio * width)).padEnd(width, '.')}] ${Math.round(ratio * 100)}%`
      : `${(e.elapsedMs / 1000).toFixed(0)} s`;
    stream.write(`\r${bar}  ${e.done}${e.total ? `/${e.total}` : ''} requests  ${e.errors} errors `);
    drawn = true;
  };
  const done = (): void => {
    if (drawn) stream.write('\r\u001b[2K');
    drawn = false;
  };
  return { update, done };
}
