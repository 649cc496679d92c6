// Fails when an import cycle exists between files or between folders, or an import points up the layers (rules in
// .dependency-cruiser.cjs), except the cycles closed by an import listed in known-cycles.mjs. Usage: node scripts/check-cycles.mjs [dir...]
// Options: --config FILE (default .dependency-cruiser.cjs), --known FILE (default scripts/known-cycles.mjs, "none" for
// no allow-list).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = import.meta.dirname;
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  const [, value] = args.splice(at, 2);
  return value;
};
const configFile = resolve(option('--config', resolve(here, '..', '.dependency-cruiser.cjs')));
const knownFile = option('--known', resolve(here, 'known-cycles.mjs'));
const dirs = args.length > 0 ? args : ['src', 'probes', 'test', 'bench'];

const { knownCycleEdges } = knownFile === 'none' ? { knownCycleEdges: [] } : await import(pathToFileURL(resolve(knownFile)).href);
const depcruise = resolve(here, '..', 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const run = spawnSync(process.execPath, [depcruise, ...dirs, '--config', configFile, '--output-type', 'json'], {
  encoding: 'utf8',
  maxBuffer: 256 << 20,
});
let result;
try {
  result = JSON.parse(run.stdout);
} catch {
  process.stderr.write(`dependency-cruiser did not produce a report:\n${run.stderr}`);
  process.exit(2);
}

/** the cycle's nodes in order; the last one is `from` again, so the walk closes on itself */
const walk = (v) => v.cycle.map((step) => step.name);
const edgesOf = (v) => walk(v).map((node, i, all) => `${v.rule.name} ${all[i === 0 ? all.length - 1 : i - 1]} → ${node}`);
const known = new Map(knownCycleEdges.map((e) => [`${e.rule} ${e.from} → ${e.to}`, 0]));

const fresh = [];
for (const violation of result.summary.violations) {
  if (violation.type !== 'cycle') {
    fresh.push(`import against the layers (${violation.rule.name}): ${violation.from} → ${violation.to}`);
    continue;
  }
  const hits = edgesOf(violation).filter((edge) => known.has(edge));
  for (const edge of hits) known.set(edge, known.get(edge) + 1);
  if (hits.length === 0) fresh.push(`import cycle: ${violation.rule.name}: ${[violation.from, ...walk(violation)].join(' → ')}`);
}
const stale = [...known].filter(([, uses]) => uses === 0).map(([edge]) => edge);
const knownCount = result.summary.violations.length - fresh.length;
const upward = result.summary.violations.filter((v) => v.type !== 'cycle').length;

for (const line of fresh) process.stderr.write(`${line}\n`);
for (const edge of stale) process.stderr.write(`known-cycles.mjs lists an import that no longer closes a cycle, delete it: ${edge}\n`);
process.stdout.write(
  `${result.summary.totalCruised} modules: ${fresh.length - upward} new cycle(s), ${knownCount} known (closed by ${known.size - stale.length} listed import(s)), ${stale.length} stale allow-list entr${stale.length === 1 ? 'y' : 'ies'}, ${upward} upward import(s)\n`,
);
process.exit(fresh.length > 0 || stale.length > 0 ? 1 : 0);
