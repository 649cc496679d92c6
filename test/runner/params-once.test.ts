/** A plan's params are checked once, when it is built: the daemon runs the same specs every cycle. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { registered, type ProbeKind } from '../../probes/types.js';
import { testConfig, testContext } from '../helpers/context.js';

/** A kind whose schema counts how often it parsed, and whose run reports the params it was given. */
function countingKind(): { kind: ProbeKind<{ n: number }>; parses: () => number } {
  let parses = 0;
  const params = z.object({ n: z.number().int() }).transform((p) => (parses++, { n: p.n * 2 }));
  const kind: ProbeKind<{ n: number }> = { name: 'counting', params, run: async (p) => ({ status: 'pass', metrics: { n: p.n } }) };
  return { kind, parses: () => parses };
}

test('params a plan checked are run as checked, without parsing them again on every run', async () => {
  const { kind, parses } = countingKind();
  const sealed = registered(kind);
  const ctx = testContext(testConfig());
  try {
    const params = { n: 2 };
    assert.equal(sealed.check(params), null);
    assert.equal(parses(), 1);
    for (let i = 0; i < 3; i++) assert.deepEqual((await sealed.run(params, ctx)).metrics, { n: 4 });
    assert.equal(parses(), 1, 'checked params parsed again at run time');
    assert.throws(() => Object.assign(params, { n: 5 }), TypeError, 'checked params can be replaced, not changed');
    // params nobody checked are still parsed (and rejected) at their run
    assert.deepEqual((await sealed.run({ n: 3 }, ctx)).metrics, { n: 6 });
    assert.equal(parses(), 2);
    const bad = await sealed.run({ n: 'x' }, ctx);
    assert.equal(bad.error?.code, 'RP_ERR_CONFIG_INVALID');
    assert.match(sealed.check({ n: 1.5 }) ?? '', /counting params\.n/);
  } finally {
    await ctx.close();
  }
});
