import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/model/errors.js';
import { failsAt, formatFault, parseFault, type Fault } from '../../src/demo/faults.js';

describe('parseFault / formatFault', () => {
  test('every form round-trips', () => {
    const faults: Fault[] = [
      { kind: 'none' },
      { kind: 'outage' },
      { kind: 'errors', rate: 0.3 },
      { kind: 'errors', rate: 1 },
      { kind: 'latency', ms: 800 },
      { kind: 'near-fail' },
      { kind: 'api-fail' },
      { kind: 'hang' },
      { kind: 'reset' },
      { kind: 'invalid-json' },
      { kind: 'huge-body', bytes: 64 * 1024 * 1024 },
      { kind: 'huge-body', bytes: 1000 },
    ];
    for (const f of faults) assert.deepEqual(parseFault(formatFault(f)), f);
    assert.equal(formatFault({ kind: 'errors', rate: 0.3 }), 'errors=0.3');
    assert.equal(formatFault({ kind: 'latency', ms: 800 }), 'latency=800');
    assert.equal(formatFault({ kind: 'huge-body', bytes: 64 * 1024 * 1024 }), 'huge-body');
  });

  test('tolerates surrounding space and case', () => {
    assert.deepEqual(parseFault('  Errors=.5\n'), { kind: 'errors', rate: 0.5 });
    assert.deepEqual(parseFault('latency=250ms'), { kind: 'latency', ms: 250 });
  });

  test('bad text throws a UsageError naming the forms and echoing the input', () => {
    for (const bad of [
      '',
      'x',
      'errors',
      'errors=1.5',
      'errors=-0.1',
      'errors=abc',
      'latency=-5',
      'latency=1.5',
      'latency=99999999',
      'outage=1',
      'huge-body=0',
      'huge-body=-1',
      'reset=1',
    ]) {
      assert.throws(
        () => parseFault(bad),
        (err: unknown) => {
          assert.ok(err instanceof UsageError);
          assert.equal(err.code, 'RP_ERR_USAGE');
          assert.equal(
            err.message,
            `fault: expected one of none, outage, errors=RATE (0..1), latency=MS, near-fail, api-fail, hang, reset, huge-body[=BYTES], invalid-json; got "${bad}"`,
          );
          return true;
        },
      );
    }
  });

  test('a huge input is echoed truncated', () => {
    assert.throws(
      () => parseFault('y'.repeat(5000)),
      (err: Error) => err.message.length < 240,
    );
  });
});

describe('failsAt', () => {
  const failuresIn = (n: number, rate: number): number => Array.from({ length: n }, (_, i) => failsAt(i, rate)).filter(Boolean).length;

  test('the first N requests hold exactly floor(N*rate) failures, despite float error', () => {
    assert.equal(failuresIn(10, 0.3), 3);
    assert.equal(failuresIn(100, 0.29), 29);
    assert.equal(failuresIn(20, 0.35), 7);
    assert.equal(failuresIn(10, 0), 0);
    assert.equal(failuresIn(10, 1), 10);
    assert.equal(failuresIn(1000, 0.001), 1);
  });

  test('failures are spread out, not bunched', () => {
    const pattern = Array.from({ length: 10 }, (_, i) => (failsAt(i, 0.5) ? 'x' : '.')).join('');
    assert.equal(pattern, '.x.x.x.x.x');
  });
});
