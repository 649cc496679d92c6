import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { toJUnitXml } from '../../src/report/junit.js';
import { EVIL, sampleReport } from './fixtures.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A strict little XML reader (elements, attributes, text, entities): throws on anything not well-formed. */
function parseXml(xml: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 30))}`);
  };
  const decode = (raw: string): string => {
    let out = '';
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k];
      if (ch === '<') fail('raw < in text');
      if (ch !== '&') {
        out += ch;
        continue;
      }
      const end = raw.indexOf(';', k);
      if (end < 0) fail('unterminated entity');
      const name = raw.slice(k + 1, end);
      if (name.startsWith('#x')) out += String.fromCodePoint(parseInt(name.slice(2), 16));
      else if (name.startsWith('#')) out += String.fromCodePoint(Number(name.slice(1)));
      else out += ENTITIES[name] ?? fail(`unknown entity &${name};`);
      k = end;
    }
    return out;
  };
  const skipSpace = (): void => {
    while (' \n\r\t'.includes(xml[i] ?? 'x')) i++;
  };
  const readName = (): string => {
    const start = i;
    while (i < xml.length && !' \n\r\t/>='.includes(xml[i])) i++;
    if (i === start) fail('expected a name');
    return xml.slice(start, i);
  };
  const readElement = (): XmlElement => {
    if (xml[i] !== '<') fail('expected <');
    i++;
    const element: XmlElement = { name: readName(), attrs: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return element;
      }
      if (xml[i] === '>') break;
      const attr = readName();
      if (xml[i] !== '=' || xml[i + 1] !== '"') fail('attribute value must be ="quoted"');
      const end = xml.indexOf('"', i + 2);
      if (end < 0) fail('unterminated attribute');
      if (attr in element.attrs) fail(`duplicate attribute ${attr}`);
      element.attrs[attr] = decode(xml.slice(i + 2, end));
      i = end + 1;
    }
    i++;
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) fail(`unclosed <${element.name}>`);
      element.text += decode(xml.slice(i, next));
      i = next;
      if (xml.startsWith('</', i)) {
        i += 2;
        const closing = readName();
        if (closing !== element.name) fail(`</${closing}> closes <${element.name}>`);
        skipSpace();
        if (xml[i] !== '>') fail('expected >');
        i++;
        return element;
      }
      element.children.push(readElement());
    }
  };
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')) fail('missing XML declaration');
  i = xml.indexOf('?>') + 2;
  skipSpace();
  const root = readElement();
  skipSpace();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

const all = (e: XmlElement, name: string): XmlElement[] => [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => all(c, name))];

describe('toJUnitXml', () => {
  const xml = toJUnitXml(sampleReport());
  const root = parseXml(xml);

  test('is well-formed, with totals matching the cases', () => {
    assert.equal(root.name, 'testsuites');
    const [suite] = root.children.filter((c) => c.name === 'testsuite');
    assert.equal(suite.attrs.name, 'radar-probe.latency');
    const cases = all(root, 'testcase');
    // 4 probes + 2 thresholds + the verdict
    assert.equal(cases.length, 7);
    for (const e of [root, suite]) {
      assert.deepEqual([e.attrs.tests, e.attrs.failures, e.attrs.errors, e.attrs.skipped], ['7', '3', '1', '1']);
    }
    assert.equal(suite.attrs.timestamp, '2024-05-01T12:00:00.000Z');
    const props = Object.fromEntries(all(root, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    assert.deepEqual([props.severity, props.passed, props.p95Ms], ['P2', 'false', '1210.75']);
  });

  test('one testcase per probe and per threshold, with failures, errors and skips', () => {
    const byName = new Map(all(root, 'testcase').map((c) => [c.attrs.name, c]));
    assert.equal(byName.get('health (http)')!.children.length, 0);
    assert.equal(byName.get('health (http)')!.attrs.time, '0.013');
    const load = byName.get('load (load)')!.children[0];
    assert.equal(load.name, 'failure');
    // escaped on the way out, identical on the way back in (the forbidden control character becomes U+FFFD)
    assert.equal(load.attrs.message, `RP_ERR_LOAD_ABORTED: aborted after 60 requests ${EVIL.replace('\u0001', '\uFFFD')}`);
    assert.equal(byName.get('db (postgres)')!.children[0].name, 'skipped');
    assert.equal(byName.get('db (postgres)')!.children[0].attrs.message, 'no DATABASE_URL configured');
    assert.equal(byName.get('pods (kubernetes)')!.children[0].name, 'error');
    const threshold = byName.get('p(95)<500')!;
    assert.equal(threshold.attrs.classname, 'radar-probe.latency.thresholds');
    assert.match(threshold.children[0].attrs.message, /1210\.75 is not < 500/);
    assert.equal(byName.get('error_rate<0.05')!.children.length, 0);
    const verdict = byName.get('verdict')!.children[0];
    assert.match(verdict.text, /db_slow_statements/);
    assert.match(verdict.text, /kubectl rollout restart/);
  });

  test('a passing run has a passing verdict and no failures', () => {
    const passing = parseXml(toJUnitXml(sampleReport({ passed: true, severity: null, probes: [], thresholds: [], findings: [] })));
    assert.deepEqual([passing.attrs.tests, passing.attrs.failures, passing.attrs.errors], ['1', '0', '0']);
  });

  test('the reader itself rejects broken XML', () => {
    for (const broken of ['<a>', '<a></b>', '<a x=1/>', '<a>&bogus;</a>', '<a>1 < 2</a>', '<a/><b/>']) {
      assert.throws(() => parseXml(`<?xml version="1.0" encoding="UTF-8"?>${broken}`), Error, broken);
    }
  });

  test('a real XML parser accepts it too (python3, when installed)', (t) => {
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
      t.skip('python3 is not installed');
      return;
    }
    const script = 'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.buffer.read()); print(len(d.getElementsByTagName("testcase")))';
    assert.equal(execFileSync('python3', ['-c', script], { input: xml }).toString().trim(), '7');
  });
});
