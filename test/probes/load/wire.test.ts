/**
 * The closed-loop load lanes read responses with their own HTTP/1.1 parser: against raw servers that answer with
 * exact bytes, every framing the parser must get right (a response split anywhere, chunked bodies with extensions
 * and trailers, interim 1xx, statuses without a body, bytes nobody asked for, a body cut short, an oversized head)
 * ends each attempt as exactly one outcome, and a connection is reused only when its response ended exactly where
 * the parser says (a parser that ends a response early or late misreads the next one on the same connection).
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { describe, test } from 'node:test';
import { rawHttpServer, selfSignedHttpsServer, type RawHttpServer } from '../../helpers/servers.js';
import { runLoad as run } from './targets.js';
import type { LoadProbeParams } from '../../../probes/load/index.js';
import type { LatencySummary } from '../../../src/model/types.js';

/** writes `text` in pieces cut at `cuts`, each in its own packet (the server paces them), then calls `done` */
function inPieces(socket: Socket, text: string, cuts: number[], done: () => void = () => undefined): void {
  const bounds = [0, ...cuts, text.length];
  const write = (i: number): void => {
    if (socket.destroyed) return;
    if (i >= bounds.length - 1) return done();
    socket.write(text.slice(bounds[i], bounds[i + 1]), 'latin1', () => setTimeout(() => write(i + 1), 2));
  };
  write(0);
}

async function against(
  answer: (index: number, socket: Socket, head: string) => void,
  extra: Partial<LoadProbeParams>,
): Promise<{ l: LatencySummary; server: RawHttpServer }> {
  const server = await rawHttpServer(answer);
  try {
    const outcome = await run(server.url, { connections: 1, abortOnErrorRate: 1, timeoutMs: 2_000, ...extra });
    assert.ok(outcome.latency, JSON.stringify(outcome.error));
    assert.equal(outcome.latency.generator, 'http1', 'closed-loop runs go through the lean lanes');
    return { l: outcome.latency, server };
  } finally {
    await server.close();
  }
}

const codes = (l: LatencySummary): Record<string, number> => l.transportErrorCodes as Record<string, number>;

describe('load lanes: HTTP/1.1 framing', () => {
  const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n';
  const BODY = 'x'.repeat(100);
  // cut inside the status line, inside a header name, between the two CRLFs that end the head, and inside the body
  const CUTS = [5, 20, HEAD.length - 2, HEAD.length + 30];

  test('a response split anywhere: each one complete, its body counted to the byte, the connection reused', async () => {
    const answer = (_n: number, socket: Socket): void => inPieces(socket, HEAD + BODY, CUTS);
    const exact = await against(answer, { amount: 6, maxBodyBytes: 100 });
    assert.deepEqual(exact.l.statusCounts, { '200': 6 }, JSON.stringify(codes(exact.l)));
    assert.equal(exact.server.connections(), 1, 'every response ended where it should: one connection carried all six');
    const overCap = await against(answer, { amount: 6, maxBodyBytes: 99 });
    assert.deepEqual(overCap.l.rejectedCodes, { RP_ERR_BODY_TOO_LARGE: 6 }, 'the 100th byte is over a 99-byte cap');
    assert.equal(overCap.server.arrived(), 6, 'none retried');
  });

  test('chunked with extensions and trailers, split inside the chunk lines and the trailers', async () => {
    const response =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
      '5;name=value\r\nhello\r\n' +
      '1A\r\n' +
      'y'.repeat(26) +
      '\r\n' +
      '0\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n';
    const cuts = [52, 58, 62, 70, response.length - 12, response.length - 1];
    const exact = await against((_n, socket) => inPieces(socket, response, cuts), { amount: 5, maxBodyBytes: 31 });
    assert.deepEqual(exact.l.statusCounts, { '200': 5 }, JSON.stringify(codes(exact.l)));
    assert.equal(exact.server.connections(), 1, 'the trailers were read to their end: the connection carried all five');
    const overCap = await against((_n, socket) => inPieces(socket, response, cuts), { amount: 3, maxBodyBytes: 30 });
    assert.deepEqual(overCap.l.rejectedCodes, { RP_ERR_BODY_TOO_LARGE: 3 }, 'chunk data is counted, not the chunk framing');
  });

  test('interim 1xx responses are skipped; 204, 304 and a HEAD response have no body whatever Content-Length says', async () => {
    const responses = [
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      'HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n',
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\nETag: "a"\r\n\r\n',
      'HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n',
    ];
    const mixed = await against((n, socket) => socket.write(responses[n % 4]), { amount: 12 });
    assert.deepEqual(mixed.l.statusCounts, { '200': 3, '201': 3, '204': 3, '304': 3 }, JSON.stringify(codes(mixed.l)));
    assert.equal(mixed.l.timeouts, 0, 'no response waited for a body that never comes');
    assert.equal(mixed.server.connections(), 1);
    const head = await against((_n, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'), {
      amount: 4,
      requests: [{ path: '/', method: 'HEAD' }],
    });
    assert.deepEqual(head.l.statusCounts, { '200': 4 });
    assert.equal(head.server.connections(), 1);
  });

  test('bytes after a complete response: it counts, the connection is dropped, the next request goes on a fresh one', async () => {
    const { l, server } = await against((_n, socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE\r\n\r\n'), {
      amount: 5,
    });
    assert.deepEqual(l.statusCounts, { '200': 5 }, JSON.stringify(codes(l)));
    assert.equal(server.arrived(), 5);
    assert.equal(server.connections(), 5, 'no connection that sent garbage was written to again');
    const garbage = await against((_n, socket) => socket.write('HELLO THERE\r\n\r\n'), { amount: 4 });
    assert.deepEqual([garbage.l.requests, garbage.l.transportErrors], [4, 4]);
    assert.deepEqual(codes(garbage.l), { HPE_INVALID_CONSTANT: 4 });
  });

  test('a server closing mid-body is an error per attempt, never retried; a body without a length ends at the close', async () => {
    const cut = await against((_n, socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n' + 'x'.repeat(50)), { amount: 6 });
    assert.deepEqual([cut.l.requests, cut.l.transportErrors, cut.server.arrived()], [6, 6, 6]);
    assert.deepEqual(codes(cut.l), { UND_ERR_SOCKET: 6 });
    const cutChunked = await against((_n, socket) => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel'), { amount: 3 });
    assert.deepEqual(codes(cutChunked.l), { UND_ERR_SOCKET: 3 });
    const untilClose = await against((_n, socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n' + 'z'.repeat(40)), {
      amount: 4,
      maxBodyBytes: 40,
    });
    assert.deepEqual(untilClose.l.statusCounts, { '200': 4 }, JSON.stringify(codes(untilClose.l)));
    assert.equal(untilClose.server.connections(), 4);
  });

  test('an oversized response head and a bad chunk size are protocol errors, one per attempt', async () => {
    const huge = `HTTP/1.1 200 OK\r\nX-Big: ${'h'.repeat(70 * 1024)}\r\nContent-Length: 2\r\n\r\nok`;
    const big = await against((_n, socket) => socket.write(huge), { amount: 3 });
    assert.deepEqual(codes(big.l), { HPE_HEADER_OVERFLOW: 3 });
    assert.equal(big.server.arrived(), 3);
    const badChunk = await against((_n, socket) => socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'), {
      amount: 3,
    });
    assert.deepEqual(codes(badChunk.l), { HPE_INVALID_CHUNK_SIZE: 3 });
  });

  test('HTTP/1.0 and Connection: close answers are read whole and the next request opens a fresh connection', async () => {
    const answers = ['HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok', 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'];
    const { l, server } = await against((n, socket) => socket.write(answers[n % 2]), { amount: 6 });
    assert.deepEqual(l.statusCounts, { '200': 6 }, JSON.stringify(codes(l)));
    assert.equal(server.connections(), 6);
  });

  test('https: the lanes speak TLS and verify the certificate; a self-signed one is an error per attempt with its code', async () => {
    const selfSigned = await selfSignedHttpsServer();
    try {
      const outcome = await run(selfSigned.url, { amount: 4, connections: 2, abortOnErrorRate: 1, timeoutMs: 2_000 });
      const l = outcome.latency!;
      assert.equal(l.generator, 'http1');
      assert.deepEqual([l.requests, l.transportErrors], [4, 4]);
      assert.deepEqual(codes(l), { DEPTH_ZERO_SELF_SIGNED_CERT: 4 });
    } finally {
      await selfSigned.close();
    }
  });
});
