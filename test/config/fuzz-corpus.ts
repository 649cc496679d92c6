/**
 * A seeded corpus of hostile configs and flag combinations. Each case says what a correct loader does with it:
 * valid (exit 0) or invalid naming given keys or flags (exit 2). Secrets planted in the environment carry YAML
 * indicator characters and must never appear in any output.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { seededRandom } from '../../src/support/random.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'config');

export interface ConfigCase {
  name: string;
  /** file content; special kinds are prepared by the test (a FIFO, a directory, a missing path) */
  yaml: string;
  special?: 'fifo' | 'directory' | 'missing' | 'device';
  env: Record<string, string>;
  /** empty: the config is valid (exit 0); else exit 2 and every text here appears in stderr */
  names: string[];
}

export interface FlagCase {
  name: string;
  /** `{config}`, `{dir}`, `{fifo}`, `{file}` (a non-JSON regular file) are replaced by the test */
  argv: string[];
  /** stderr must contain this (the flag or key at fault) */
  names: string;
}

/** Each planted value: an indicator first, then a marker no message would contain by chance. */
const INDICATORS = ['@', '*', '"', "'", '[', '{', '%', '|', '>', '`', '&', '!', '#', '? ', ': ', '- ', ']', '}', ','];

export function plantedSecrets(random: () => number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const indicator = INDICATORS[i % INDICATORS.length];
    out.push(`${indicator}Pl4nted${Math.floor(random() * 1e9).toString(36)}Zx${i}`);
  }
  return out;
}

/** The part of a planted secret that must not leak even if the indicator was stripped or escaped. */
export const secretCore = (secret: string): string => secret.slice(secret.indexOf('Pl4nted'));

type Doc = Record<string, unknown>;
interface Mutation {
  label: string;
  apply: (doc: Doc, secret: string) => void;
  /** keys the error must name; empty = still valid */
  names: string[];
  /** environment the mutation needs; `$SECRET` is replaced by the planted value */
  env?: Record<string, string>;
}

function setIn(doc: Doc, path: (string | number)[], value: unknown): void {
  let node = doc as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) {
    if (node[part] === undefined || node[part] === null || typeof node[part] !== 'object') node[part] = typeof part === 'number' ? [] : {};
    node = node[part] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]] = value;
}

const set = (label: string, path: (string | number)[], value: unknown, names: string[]): Mutation => ({
  label,
  apply: (doc) => setIn(doc, path, value),
  names,
});
const show = (path: (string | number)[]): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

const TIMERS: (string | number)[][] = [
  ['timeout'],
  ['daemon', 'interval'],
  ['daemon', 'window'],
  ['database', 'timeout'],
  ['database', 'statementTimeout'],
  ['external', 'openai', 'timeout'],
  ['kubernetes', 'timeout'],
  ['prometheus', 'timeout'],
  ['load', 'timeout'],
  ['kubernetes', 'leaderElection', 'leaseDuration'],
  ['external', 'circuit', 'openFor'],
];
const BAD_DURATIONS: unknown[] = ['25d', '0s', 0, '-5s', '1e300', 'soon', true, [], { s: 1 }, 99_999_999_999, '24d1ms', '5 s'];
const GOOD_DURATIONS: unknown[] = ['2s', '1h30m', 1_500, '24d'];

function durationMutations(): Mutation[] {
  const out: Mutation[] = [];
  for (const path of TIMERS) {
    for (const value of BAD_DURATIONS) out.push(set(`${show(path)}=${JSON.stringify(value)}`, path, value, [show(path)]));
    for (const value of GOOD_DURATIONS) out.push(set(`${show(path)}=${JSON.stringify(value)} ok`, path, value, []));
  }
  return out;
}

function numberMutations(): Mutation[] {
  const bad: [(string | number)[], unknown][] = [
    [['daemon', 'port'], 70_000],
    [['daemon', 'port'], -1],
    [['daemon', 'port'], 1.5],
    [['daemon', 'port'], 'nine'],
    [['daemon', 'port'], 1e300],
    [['load', 'connections'], 0],
    [['load', 'connections'], 1e300],
    [['load', 'connections'], 2.5],
    [['load', 'connections'], -3],
    [['incidents', 'openAfter'], 0],
    [['incidents', 'openAfter'], 1e9],
    [['endpoints', 0, 'samples'], 0],
    [['endpoints', 0, 'samples'], 1001],
    [['endpoints', 0, 'maxBodyBytes'], 1e300],
    [['endpoints', 0, 'maxBodyBytes'], 1_073_741_824],
    [['endpoints', 1, 'maxBodyBytes'], 0],
    [['load', 'caps', 'rate'], 1e300],
    [['load', 'caps', 'connections'], 1e12],
    [['load', 'caps', 'amount'], 1e300],
    [['database', 'statementsTop'], 0],
    [['daemon', 'jitter'], 2],
    [['daemon', 'jitter'], -0.1],
    [['load', 'abortOnErrorRate'], 1.5],
    [['severity', 'errorRate', 'P1'], 2],
    [['external', 'circuit', 'failuresToOpen'], 1e300],
    [['load', 'abortMinSamples'], 1e300],
    [['load', 'rate'], 1e300],
    [['daemon', 'port'], true],
    [['service'], ['a', 'list']],
    [['endpoints'], 'not a list'],
    [['notify'], { type: 'log' }],
    [['daemon', 'groups'], []],
  ];
  const out = bad.map(([path, value]) => set(`${show(path)}=${JSON.stringify(value)}`, path, value, [show(path)]));
  out.push(set('maxBodyBytes 64 MiB ok', ['endpoints', 0, 'maxBodyBytes'], 67_108_864, []));
  out.push(set('port 0 ok', ['daemon', 'port'], 0, []));
  return out;
}

function bandMutations(): Mutation[] {
  return [
    set('errorRate inverted', ['severity', 'errorRate'], { P1: 0.01, P2: 0.1, P3: 0.5 }, ['severity.errorRate.P2']),
    set('errorRate P1 below P2', ['severity', 'errorRate'], { P1: 0.05 }, ['severity.errorRate.P1']),
    set('errorRate equal', ['severity', 'errorRate'], { P1: 0.1, P2: 0.1, P3: 0.01 }, ['severity.errorRate.P1']),
    set('p95 inverted', ['severity', 'p95'], { P1: '100ms', P2: '1s', P3: '5s' }, ['severity.p95.P2']),
    set('p95 P2 = P3', ['severity', 'p95'], { P2: '500ms' }, ['severity.p95.P2']),
    set('bands ordered ok', ['severity', 'errorRate'], { P1: 0.4, P2: 0.2, P3: 0.05 }, []),
  ];
}

function urlMutations(): Mutation[] {
  const bad: [(string | number)[], string][] = [
    [['target'], 'ftp://api.example.com'],
    [['target'], 'javascript:alert(1)'],
    [['target'], 'file:///etc/passwd'],
    [['target'], 'http://a.example\r\nX-Injected: 1'],
    [['target'], 'not a url'],
    [['target'], 'gopher://h:70/'],
    [['database', 'url'], 'http://db:5432/x'],
    [['database', 'url'], 'mysql://u:pw@db/x'],
    [['external', 'openai', 'url'], 'ftp://x'],
    [['external', 'github', 'url'], 'data:text/plain,x'],
    [['prometheus', 'url'], 'file:///tmp/x'],
    [['incidents', 'updatesUrl'], 'javascript:void(0)'],
    [['endpoints', 0, 'path'], 'health'],
    [['endpoints', 0, 'path'], '//evil.example/x'],
    [['endpoints', 1, 'path'], '/a\r\nHost: evil'],
    [['endpoints', 0, 'headers', 'X-Ok'], 'v\r\nInjected: 1'],
    [['endpoints', 0, 'headers', 'Bad Name'], 'x'],
    [['endpoints', 0, 'headers', 'X:'], 'x'],
  ];
  const sinks: [string, unknown, string][] = [
    ['webhook ftp', { type: 'webhook', url: 'ftp://hooks.example/x' }, 'notify[0].url'],
    ['slack javascript', { type: 'slack', url: 'javascript:alert(1)' }, 'notify[0].url'],
    ['alertmanager generatorUrl file', { type: 'alertmanager', url: 'http://am:9093', generatorUrl: 'file:///x' }, 'notify[0].generatorUrl'],
    ['webhook header LF', { type: 'webhook', url: 'http://hooks.example/x', headers: { 'X-A': 'a\nb' } }, 'notify[0].headers.X-A'],
  ];
  return [
    ...bad.map(([path, value]) => set(`${show(path)}=${JSON.stringify(value).slice(0, 40)}`, path, value, [show(path)])),
    ...sinks.map(([label, sink, name]) => set(label, ['notify'], [sink], [name])),
    set('postgresql url ok', ['database', 'url'], 'postgresql://probe@db.example:5432/app', []),
    set('https target ok', ['target'], 'https://api.example.com', []),
    set('webhook ok', ['notify'], [{ type: 'webhook', url: 'https://hooks.example/x', headers: { 'X-Token': 'abc' } }], []),
  ];
}

function keyMutations(): Mutation[] {
  return [
    set('unknown top key', ['bogus'], 1, ['bogus']),
    set('unknown daemon key', ['daemon', 'intervall'], '5s', ['daemon.intervall']),
    set('unknown endpoint key', ['endpoints', 0, 'timeot'], '5s', ['endpoints[0].timeot']),
    set('unknown sink type', ['notify'], [{ type: 'carrier-pigeon' }], ['notify[0].type']),
    set('unknown sink key', ['notify'], [{ type: 'log', bogus: true }], ['notify[0].bogus']),
    set('deep nesting under a key', ['daemon', 'nested'], nest(200), ['daemon.nested']),
    set('state dir as a list', ['incidents', 'stateDir'], ['a'], ['incidents.stateDir']),
  ];
}

function nest(depth: number): unknown {
  let node: unknown = 'leaf';
  for (let i = 0; i < depth; i++) node = { n: node };
  return node;
}

/** Secrets from the environment: valid where a string is wanted (exit 0), invalid elsewhere; never shown. */
function secretMutations(): Mutation[] {
  const env = { RP_FUZZ_SECRET: '$SECRET' };
  const valid = (label: string, path: (string | number)[], text: string): Mutation => ({
    label,
    apply: (doc) => setIn(doc, path, text),
    names: [],
    env,
  });
  const invalid = (label: string, path: (string | number)[], text: string): Mutation => ({
    label,
    apply: (doc) => setIn(doc, path, text),
    names: [show(path)],
    env,
  });
  return [
    valid('secret apiKey', ['external', 'openai', 'apiKey'], '${RP_FUZZ_SECRET}'),
    valid('secret token', ['external', 'github', 'token'], '${RP_FUZZ_SECRET}'),
    valid('secret api token', ['incidents', 'apiToken'], '${RP_FUZZ_SECRET}'),
    valid('secret header', ['endpoints', 0, 'headers', 'Authorization'], 'Bearer ${RP_FUZZ_SECRET}'),
    {
      label: 'secret webhook',
      apply: (doc) => setIn(doc, ['notify'], [{ type: 'webhook', url: 'https://hooks.example/x', secret: '${RP_FUZZ_SECRET}' }]),
      names: [],
      env,
    },
    { label: 'secret routing key', apply: (doc) => setIn(doc, ['notify'], [{ type: 'pagerduty', routingKey: '${RP_FUZZ_SECRET}' }]), names: [], env },
    {
      label: 'secret target password',
      apply: (doc) => setIn(doc, ['target'], 'http://probe:${RP_FUZZ_PASS}@api.example.com'),
      names: [],
      env: { RP_FUZZ_PASS: 'Pl4ntedPassw0rdZq' },
    },
    invalid('secret as port', ['daemon', 'port'], '${RP_FUZZ_SECRET}'),
    invalid('secret as duration', ['timeout'], '${RP_FUZZ_SECRET}'),
    invalid('secret as target', ['target'], '${RP_FUZZ_SECRET}'),
    invalid('secret as jitter', ['daemon', 'jitter'], '${RP_FUZZ_SECRET}'),
    invalid('secret as endpoint path', ['endpoints', 0, 'path'], '${RP_FUZZ_SECRET}'),
    invalid('secret as database url', ['database', 'url'], '${RP_FUZZ_SECRET}'),
    { label: 'number from env', apply: (doc) => setIn(doc, ['daemon', 'port'], '${RP_FUZZ_PORT}'), names: [], env: { RP_FUZZ_PORT: '9100' } },
    {
      label: 'bool from env',
      apply: (doc) => setIn(doc, ['external', 'openai', 'enabled'], '${RP_FUZZ_BOOL}'),
      names: [],
      env: { RP_FUZZ_BOOL: 'false' },
    },
    { label: '"true" stays text', apply: (doc) => setIn(doc, ['service'], '${RP_FUZZ_BOOL}'), names: [], env: { RP_FUZZ_BOOL: 'true' } },
  ];
}

const CATALOG: Mutation[] = [
  ...durationMutations(),
  ...numberMutations(),
  ...bandMutations(),
  ...urlMutations(),
  ...keyMutations(),
  ...secretMutations(),
];

function bases(): { name: string; doc: Doc }[] {
  return [
    { name: 'config.yaml', doc: parse(readFileSync(join(ROOT, 'config.yaml'), 'utf8')) as Doc },
    { name: 'k8s/config.yaml', doc: parse(readFileSync(join(ROOT, 'k8s', 'config.yaml'), 'utf8')) as Doc },
  ];
}

/** Raw-text cases: what a YAML serializer would never write. */
function textCases(secret: string): ConfigCase[] {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    ...'bcdefghi'.split('').map((l, i) => `${l}: &${l} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
  ].join('\n');
  const keys = (n: number): string => Array.from({ length: n }, (_, i) => `k${i}: 1\n`).join('');
  const plain = (name: string, yaml: string, names: string[]): ConfigCase => ({ name, yaml, env: {}, names });
  return [
    plain('alias bomb', `${bomb}\n`, ['RP_ERR_CONFIG_YAML']),
    plain('alias bomb under a key', `daemon:\n  x: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n  y: [${Array(200).fill('*a').join(', ')}]\n`, [
      'RP_ERR_CONFIG_YAML',
    ]),
    plain('unresolved alias', 'target: *nowhere\n', ['fuzz.yaml:1']),
    plain('anchor reused validly', 'timeout: &t 5s\nload:\n  timeout: *t\n', []),
    plain('anchor makes a duplicate endpoint', 'endpoints:\n  - &e { name: a, path: /a }\n  - *e\n', ['endpoints[1].name']),
    plain('past the size bound', `${'#'.repeat(1_023)}\n`.repeat(4 * 1_024 + 1), ['--config', 'RP_ERR_CONFIG_TOO_LARGE']),
    plain('a flow list of 1M one-character entries', `endpoints: [${'0,'.repeat(1_000_000)}0]\n`, [
      'more than the 150000',
      'RP_ERR_CONFIG_TOO_LARGE',
    ]),
    plain('200k lines of a block list', `endpoints:\n${'- 0\n'.repeat(200_000)}`, ['200001 lines and commas', 'RP_ERR_CONFIG_TOO_LARGE']),
    plain('10k unknown keys', keys(10_000), ['k0: unknown key', '10000 keys, more than the 1000']),
    plain('a list past the entries bound', `endpoints: [${Array(25_001).fill('0').join(',')}]\n`, ['endpoints: 25001 entries, more than the 25000']),
    plain('5k unknown keys in a section', `daemon:\n${keys(5_000).replace(/^/gm, '  ')}`, ['daemon.k0: unknown key']),
    plain('unclosed quote', 'target: "http://x\n', ['fuzz.yaml:', 'RP_ERR_CONFIG_YAML']),
    plain('tab indentation', 'daemon:\n\tport: 1\n', ['fuzz.yaml:2']),
    plain('raw @ indicator', 'incidents:\n  apiToken: @token\n', ['fuzz.yaml:2']),
    plain('raw backtick indicator', 'service: `x`\n', ['fuzz.yaml:1']),
    plain('raw % directive in body', 'service: x\n%YAML 1.2\n', ['fuzz.yaml']),
    plain('unclosed flow', 'endpoints: [ { name: a\n', ['fuzz.yaml']),
    plain('duplicate key', 'timeout: 5s\ntimeout: 6s\n', ['fuzz.yaml:2', 'duplicate key']),
    plain('deep flow nesting', `daemon: ${'['.repeat(3000)}${']'.repeat(3000)}\n`, ['fuzz.yaml']),
    plain('deep block nesting', `daemon:\n${Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`, ['daemon.k0']),
    plain('top-level list', '- a\n- b\n', ['(top level)']),
    plain('top-level scalar', 'just text\n', ['(top level)']),
    plain('empty file', '', []),
    plain('comment only', '# nothing\n', []),
    plain('CR line endings', 'target: http://a.example\r\ntimeout: 5s\r\n', []),
    plain('bare CR inside a value', 'service: "a\rb"\ntarget: "http://a.example/\rX"\n', ['target']),
    plain('NUL in a header', 'endpoints:\n  - { name: a, path: /a, headers: { X-A: "a\\0b" } }\n', ['endpoints[0].headers.X-A']),
    plain('huge exponent', 'daemon:\n  port: 1e99999\n', ['daemon.port']),
    plain('.inf rate cap', 'load:\n  caps: { rate: .inf }\n', ['load.caps.rate']),
    plain('.nan jitter', 'daemon:\n  jitter: .nan\n', ['daemon.jitter']),
    plain('load rate and amount beyond the duration cap', 'load:\n  rate: 0.0001\n  amount: 2\n', ['load.caps.duration']),
    plain('load endpoint missing', 'load:\n  endpoint: nope\n', ['load.endpoint']),
    plain('bad load threshold', 'load:\n  thresholds: ["p(95)<"]\n', ['threshold']),
    plain('group with a load scenario every 15s', 'daemon:\n  groups: [{ scenario: smoke, interval: 15s }]\n', ['daemon.groups[0].interval']),
    { name: 'state dir is a file', yaml: 'incidents:\n  stateDir: "{file}"\n', env: {}, names: ['incidents.stateDir'] },
    { name: 'FIFO as --config', yaml: '', special: 'fifo', env: {}, names: ['FIFO', 'RP_ERR_CONFIG_NOT_FILE'] },
    { name: 'directory as --config', yaml: '', special: 'directory', env: {}, names: ['directory', 'RP_ERR_CONFIG_NOT_FILE'] },
    { name: 'device as --config', yaml: '', special: 'device', env: {}, names: ['device', 'RP_ERR_CONFIG_NOT_FILE'] },
    { name: 'missing --config', yaml: '', special: 'missing', env: {}, names: ['no such file', 'RP_ERR_CONFIG_READ'] },
    {
      name: 'env value with newline into a header',
      yaml: 'endpoints:\n  - { name: a, path: /a, headers: { Authorization: "Bearer ${RP_FUZZ_SECRET}" } }\n',
      env: { RP_FUZZ_SECRET: `${secret}\nX-Injected: 1` },
      names: ['endpoints[0].headers.Authorization'],
    },
  ];
}

function fixtureCases(): ConfigCase[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .map((file) => {
      const text = readFileSync(join(FIXTURES, file), 'utf8');
      // the key the fixture expects named: its expectation up to the first ": "
      const expected = /^# expect: (.*)$/m.exec(text)?.[1]?.split(': ')[0] ?? '';
      return { name: `fixture ${file}`, yaml: text, env: {}, names: [expected] };
    });
}

/** At least `count` config cases: every catalog entry on one base, then seeded pairs of mutations on random bases. */
export function configCorpus(seed: number, count: number): { cases: ConfigCase[]; secrets: string[] } {
  const random = seededRandom(seed);
  const secrets = plantedSecrets(random, INDICATORS.length);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const all = bases();
  const build = (name: string, muts: Mutation[]): ConfigCase => {
    const base = pick(all);
    const doc = structuredClone(base.doc);
    const secret = pick(secrets);
    const env: Record<string, string> = {};
    for (const m of muts) {
      m.apply(doc, secret);
      for (const [k, v] of Object.entries(m.env ?? {})) env[k] = v.replace('$SECRET', secret);
    }
    return { name: `${base.name}: ${name}`, yaml: stringify(doc), env, names: [...new Set(muts.flatMap((m) => m.names))] };
  };
  const cases: ConfigCase[] = [...textCases(pick(secrets)), ...fixtureCases(), ...CATALOG.map((m) => build(m.label, [m]))];
  while (cases.length < count) {
    const a = pick(CATALOG);
    const b = pick(CATALOG);
    if (a === b || overlaps(a, b)) continue;
    cases.push(build(`${a.label} + ${b.label}`, [a, b]));
  }
  return { cases, secrets };
}

/** Two mutations touching the same top-level section or list could mask each other; keep pairs independent. */
function overlaps(a: Mutation, b: Mutation): boolean {
  const doc: Doc = {};
  a.apply(doc, 'x');
  const touched = new Set(Object.keys(doc));
  const other: Doc = {};
  b.apply(other, 'x');
  return Object.keys(other).some((key) => touched.has(key));
}

/** At least 50 bad flag combinations, each failing before any traffic and naming its flag. */
export function flagCorpus(): FlagCase[] {
  const run = ['--scenario', 'smoke', '--config', '{config}', '--target', 'http://127.0.0.1:9'];
  const bad = (name: string, argv: string[], names: string): FlagCase => ({ name, argv, names });
  return [
    ...['0s', '25d', '-1s', 'soon', '', '99999999999ms', '24d1s', '5 s'].map((v) => bad(`--timeout ${v}`, [...run, '--timeout', v], '--timeout')),
    ...['25d', '0s', 'xyz', '1e3s'].map((v) => bad(`--duration ${v}`, [...run, '--duration', v], '--duration')),
    bad('--amount with --duration', [...run, '--amount', '5', '--duration', '2s'], '--amount and --duration'),
    ...['0', '-1', 'abc', '1e400', 'NaN', ''].map((v) => bad(`--rate ${v}`, [...run, '--rate', v], '--rate')),
    bad('--rate 0.0001 --amount 2', [...run, '--rate', '0.0001', '--amount', '2'], '--rate'),
    bad('--rate 0.01 alone (default amount is hours)', [...run, '--rate', '0.01'], '--rate'),
    bad('--rate above the cap', [...run, '--rate', '5000', '--amount', '10'], '--rate'),
    bad('--rate for longer than the cap', [...run, '--rate', '1', '--duration', '1h'], '--duration'),
    ...['0', '1.5', '-3', 'abc'].map((v) => bad(`--amount ${v}`, [...run, '--amount', v], '--amount')),
    bad('--amount above the cap', [...run, '--amount', '1000000000'], '--amount'),
    ...['0', '2.5', 'x'].map((v) => bad(`--connections ${v}`, [...run, '--connections', v], '--connections')),
    bad('--connections above the cap', [...run, '--connections', '1000000'], '--connections'),
    ...['ftp://x', 'javascript:alert(1)', 'not a url', '', 'http://a.example/\r\nX: 1', 'file:///etc/passwd'].map((v) =>
      bad(`--target ${JSON.stringify(v)}`, ['--scenario', 'smoke', '--config', '{config}', '--target', v], '--target'),
    ),
    bad('--log-level loud', [...run, '--log-level', 'loud'], '--log-level'),
    ...['70000', '-1', 'abc'].map((v) => bad(`daemon --port ${v}`, ['daemon', '--config', '{config}', '--port', v], '--port')),
    ...['0', '-5', 'x'].map((v) => bad(`--max-regression ${v}`, [...run, '--max-regression', v], '--max-regression')),
    bad('bad --threshold', [...run, '--threshold', 'p(95)<'], 'threshold'),
    bad('unknown --threshold metric', [...run, '--threshold', 'foo>1'], 'threshold'),
    bad('--junit in a missing directory', [...run, '--junit', '{dir}/missing/x.xml'], '--junit'),
    bad('--junit is a directory', [...run, '--junit', '{dir}'], '--junit'),
    bad('--junit is a FIFO', [...run, '--junit', '{fifo}'], '--junit'),
    bad('--summary under a file', [...run, '--summary', '{file}/x.md'], '--summary'),
    bad('--summary is a directory', [...run, '--summary', '{dir}'], '--summary'),
    bad('--baseline missing', [...run, '--baseline', '{dir}/missing.json'], '--baseline'),
    bad('--baseline is a directory', [...run, '--baseline', '{dir}'], '--baseline'),
    bad('--baseline is a FIFO', [...run, '--baseline', '{fifo}'], '--baseline'),
    bad('--baseline is not JSON', [...run, '--baseline', '{file}'], '--baseline'),
    bad('--config missing', ['--scenario', 'smoke', '--config', '{dir}/missing.yaml'], '--config'),
    bad('--config is a directory', ['check-config', '--config', '{dir}'], '--config'),
    bad('--config is a FIFO', ['check-config', '--config', '{fifo}'], '--config'),
    bad('--config is a device', ['check-config', '--config', '/dev/zero'], '--config'),
    bad('--config empty', ['check-config', '--config', ''], '--config'),
    bad('unknown option', [...run, '--bogus'], '--bogus'),
    bad('unexpected positional', ['check-config', 'extra'], 'extra'),
    bad('unknown command', ['launch'], 'launch'),
    bad('no scenario', ['--target', 'http://127.0.0.1:9'], '--scenario'),
    bad('--scenario without value', ['--scenario'], '--scenario'),
    bad('unknown scenario', ['--scenario', 'nope', '--config', '{config}'], 'nope'),
    bad('--json=yes', [...run, '--json=yes'], '--json'),
    bad('check-config --timeout 25d', ['check-config', '--config', '{config}', '--timeout', '25d'], '--timeout'),
    bad('check-config --rate 0.0001 --amount 2', ['check-config', '--config', '{config}', '--rate', '0.0001', '--amount', '2'], '--rate'),
    bad('daemon --rate 0.0001 --amount 2', ['daemon', '--config', '{config}', '--rate', '0.0001', '--amount', '2'], '--rate'),
    bad('daemon --target ftp', ['daemon', '--config', '{config}', '--target', 'ftp://x'], '--target'),
  ];
}
