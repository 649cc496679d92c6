/** `promtool check metrics` on an exposition text: the real linter Prometheus ships, fed on stdin. */
import { spawn, spawnSync } from 'node:child_process';

export const promtoolMissing: string | false = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error
  ? 'promtool is not installed (apt-get install prometheus)'
  : false;

/** Exit code and everything promtool printed; a clean text is `{ code: 0, output: '' }`. */
export function promtoolCheckMetrics(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: output.trim() }));
    child.stdin.end(text);
  });
}
