/** The one allow-list matcher behind /probe's targets and the load probe's allowedHosts: scheme, host and port. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { originAllowed, parseOriginEntry } from '../../src/support/hosts.js';
import { testConfig } from '../helpers/context.js';

const allowed = (url: string, entries: string[]): boolean => originAllowed(new URL(url), entries).ok;

describe('origin allow-list', () => {
  test('no port in an entry means the default port of the scheme, not any port', () => {
    assert.equal(allowed('https://api.example.com/v1', ['api.example.com']), true);
    assert.equal(allowed('http://api.example.com/', ['api.example.com']), true);
    assert.equal(allowed('http://api.example.com:22/', ['api.example.com']), false);
    assert.equal(allowed('https://api.example.com:8443/', ['api.example.com']), false);
    assert.equal(allowed('http://api.example.com:443/', ['api.example.com']), false, "443 is https's port, not http's");
  });

  test('an explicit port, any port, a scheme, subdomains and *', () => {
    assert.equal(allowed('https://api.example.com:8443/', ['api.example.com:8443']), true);
    assert.equal(allowed('https://api.example.com:8444/', ['api.example.com:8443']), false);
    assert.equal(allowed('http://api.example.com:9000/', ['api.example.com:*']), true);
    assert.equal(allowed('http://api.example.com/', ['https://api.example.com']), false, 'the scheme is part of the entry');
    assert.equal(allowed('http://api.example.com:8000/', ['http://api.example.com:8000']), true, 'a URL origin is an entry');
    assert.equal(allowed('https://a.svc.cluster.local/', ['*.svc.cluster.local']), true);
    assert.equal(allowed('https://a.svc.cluster.local:10250/', ['*.svc.cluster.local']), false);
    assert.equal(allowed('https://svc.cluster.local.evil.example/', ['*.svc.cluster.local']), false);
    assert.equal(allowed('http://[::1]:8000/', ['[::1]:8000']), true);
    assert.equal(allowed('http://10.0.0.1:6379/', ['*']), true);
  });

  test('a refusal says which part did not match', () => {
    const port = originAllowed(new URL('http://api.example.com:6379/'), ['http://api.example.com:8000']);
    assert.equal(port.ok, false);
    assert.match(!port.ok ? port.reason : '', /port 6379 is not allowed: the allow-list names that host only as http:\/\/api\.example\.com:8000/);
    const host = originAllowed(new URL('http://169.254.169.254/'), ['api.example.com']);
    assert.match(!host.ok ? host.reason : '', /host 169\.254\.169\.254 is not on the allow-list/);
  });

  test('entries are checked when the config loads', () => {
    for (const bad of ['http://x/path', 'ftp://x', 'x:99999', 'a b', '']) assert.equal(parseOriginEntry(bad), null, bad);
    assert.throws(() => testConfig('daemon: { probeTargets: ["http://x/path"] }'), /probeTargets.*expected \*, host/s);
    assert.throws(() => testConfig('load: { allowedHosts: ["x:99999"] }'), /allowedHosts/);
    assert.throws(() => testConfig('daemon: { probePostTargets: ["*.example.com"] }'), /named exactly/);
    assert.deepEqual(testConfig('daemon: { probePostTargets: ["https://api.example.com"] }').daemon.probePostTargets, ['https://api.example.com']);
  });
});
