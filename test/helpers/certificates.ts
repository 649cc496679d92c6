/**
 * Certificates made by openssl for a test: a throwaway CA and a leaf for 127.0.0.1/localhost signed by it, with an
 * exact notAfter (`openssl ca -enddate`), so a test knows the expiry to the second and can make one already past.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** the CA's certificate: trust it to verify the leaf */
  caFile: string;
  key: Buffer;
  cert: Buffer;
  /** the leaf's notAfter, unix seconds */
  notAfter: number;
}

/** `YYYYMMDDHHMMSSZ`, the form `openssl ca -startdate/-enddate` takes */
const asn1Time = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCertificates(notAfterMs: number): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'rp-certs-'));
  const at = (name: string): string => join(dir, name);
  const openssl = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl(['req', '-x509', ...EC_KEY, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '3650', '-subj', '/CN=radar-probe test CA']);
  openssl(['req', '-new', ...EC_KEY, '-keyout', at('leaf.key'), '-out', at('leaf.csr'), '-subj', '/CN=localhost']);
  writeFileSync(at('index.txt'), '');
  writeFileSync(at('serial'), '01\n');
  writeFileSync(
    at('ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      'database = index.txt',
      'new_certs_dir = .',
      'serial = serial',
      'default_md = sha256',
      'policy = any',
      'x509_extensions = leaf',
      '[any]',
      'commonName = supplied',
      '[leaf]',
      'subjectAltName = DNS:localhost,IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  const notAfter = Math.floor(notAfterMs / 1000);
  const startMs = Math.min(Date.now(), notAfterMs) - 30 * 86_400_000;
  openssl([
    'ca',
    '-batch',
    '-notext',
    '-config',
    at('ca.cnf'),
    '-cert',
    at('ca.pem'),
    '-keyfile',
    at('ca.key'),
    '-in',
    at('leaf.csr'),
    '-out',
    at('leaf.pem'),
    '-startdate',
    asn1Time(startMs),
    '-enddate',
    asn1Time(notAfter * 1000),
  ]);
  return { caFile: at('ca.pem'), key: readFileSync(at('leaf.key')), cert: readFileSync(at('leaf.pem')), notAfter };
}
