/**
 * Which parts of the `node` executable a process has resident: its pages mapped from the binary (/proc/PID/pagemap
 * "present" bit), attributed to the symbol they fall in (`nm -n`) and grouped by library or V8 component. The
 * official Linux build is a non-PIE executable with its symbol table, so a page's address is the symbol's.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const PAGE = 4096;

interface SymbolTable {
  addresses: Float64Array;
  groups: string[];
}

/** A symbol's group: the C++ namespace path that names a component, else the C prefix that names a library. */
function groupOf(symbol: string): string {
  if (symbol.startsWith('Builtins_')) return 'V8 embedded builtins';
  if (/^_ZN?K?2v88internal8compiler/.test(symbol)) return 'V8 TurboFan';
  if (/^_ZN?K?2v88internal6maglev/.test(symbol)) return 'V8 Maglev';
  if (/^_ZN?K?2v88internal4wasm/.test(symbol)) return 'V8 wasm';
  if (/^_ZN?K?2v88internal(8baseline|11interpreter)/.test(symbol)) return 'V8 Ignition/Sparkplug';
  if (/^_ZN?K?2v88internal/.test(symbol) || /^_ZN?K?2v8/.test(symbol) || symbol.startsWith('v8_')) return 'V8 other';
  if (/^_ZN?K?6icu_\d+/.test(symbol) || /^u[a-z]+_\w+_\d+$/.test(symbol) || symbol.startsWith('icudt')) return 'ICU';
  if (/^_ZN?K?4node/.test(symbol) || symbol.startsWith('node_')) return 'node';
  if (symbol.startsWith('sqlite3')) return 'sqlite';
  if (symbol.startsWith('uv_') || symbol.startsWith('uv__')) return 'libuv';
  if (/^(ossl_|OPENSSL_|EVP_|SSL_|BN_|ERR_|CRYPTO_|X509|ASN1_|OBJ_|RSA_|EC_|PEM_|BIO_|tls_|ssl_|RAND_)/.test(symbol)) return 'OpenSSL';
  if (/^(deflate|inflate|crc32|adler32|Cr_z_|zlib|_tr_)/.test(symbol)) return 'zlib';
  if (/^(Brotli|Zstd|ZSTD_|HUF_|FSE_)/i.test(symbol)) return 'brotli/zstd';
  if (/^(llhttp|nghttp2|ngtcp2|nghttp3|ares_)/.test(symbol)) return 'http parsers, c-ares';
  if (/^_ZN?K?(3ada|8simdjson|8simdutf|3ncrypto)/.test(symbol)) return 'ada, simdjson, simdutf, ncrypto';
  if (symbol.startsWith('_ZNSt') || symbol.startsWith('_ZSt') || symbol.startsWith('_ZNKSt')) return 'C++ std';
  return 'other';
}

function symbolTable(binary: string): SymbolTable {
  const lines = execFileSync('nm', ['-n', '--defined-only', binary], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).split('\n');
  const addresses: number[] = [];
  const groups: string[] = [];
  for (const line of lines) {
    const [address, , name] = line.split(' ');
    if (!address || !name) continue;
    addresses.push(parseInt(address, 16));
    groups.push(groupOf(name));
  }
  return { addresses: Float64Array.from(addresses), groups };
}

function groupAt(table: SymbolTable, address: number): string {
  let lo = 0;
  let hi = table.addresses.length - 1;
  if (hi < 0 || address < table.addresses[0]) return 'other';
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (table.addresses[mid] <= address) lo = mid;
    else hi = mid - 1;
  }
  return table.groups[lo];
}

/** Resident bytes of `binary` in process `pid`, by mapping permission (r-x text, r-- data) and group within it. */
export function binaryPages(pid: number, binary: string): Map<string, number> {
  const table = symbolTable(binary);
  const totals = new Map<string, number>();
  const pagemap = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    for (const line of readFileSync(`/proc/${pid}/maps`, 'utf8').split('\n')) {
      const [range, perms, , , , path] = line.split(/\s+/);
      if (path !== binary || !range || !perms) continue;
      const [start, end] = range.split('-').map((hex) => parseInt(hex, 16)) as [number, number];
      const entries = Buffer.alloc(((end - start) / PAGE) * 8);
      readSync(pagemap, entries, 0, entries.length, (start / PAGE) * 8);
      const segment = perms.includes('x') ? 'text' : perms.includes('w') ? 'data' : 'read-only';
      for (let page = 0; page < entries.length / 8; page++) {
        if (entries.readBigUInt64LE(page * 8) >> 63n !== 1n) continue;
        const key = `${segment}: ${groupAt(table, start + page * PAGE)}`;
        totals.set(key, (totals.get(key) ?? 0) + PAGE);
      }
    }
  } finally {
    closeSync(pagemap);
  }
  return new Map([...totals].sort((a, b) => b[1] - a[1]));
}
