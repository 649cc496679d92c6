/**
 * Imported first by cli.ts, so it runs before any dependency loads: on a Node.js older than package.json engines
 * the dependencies fail while loading, with errors that name neither Node.js nor a version (undici reaches for zlib
 * functions older releases lack). This names both. It throws instead of exiting, as only cli.ts ends the process.
 */
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines?: { node?: string } };
const required = manifest.engines?.node ?? '';
const floor = /^>=\s*(\d+)\.(\d+)/.exec(required);
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (floor && (major < Number(floor[1]) || (major === Number(floor[1]) && minor < Number(floor[2])))) {
  throw new Error(`radar-probe needs Node.js ${required}; this is ${process.version}. Install a supported Node.js release.`);
}
