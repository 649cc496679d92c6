/**
 * A tiny probe kind that lives only in the test suite, added the way a real kind is: this folder, one line in the
 * kind registry, one row in the scenario table (see ./register.ts). It answers with what it was told to, so a test
 * can follow a result through a scenario run and through the daemon.
 */
import { z } from 'zod';
import type { ProbeKind } from '../../../probes/types.js';

export const echoParams = z.object({
  message: z.string().min(1),
  /** answer as a failed probe that raises the runbook's error-rate finding */
  fail: z.boolean().default(false),
});

export const echoProbe: ProbeKind<z.infer<typeof echoParams>> = {
  name: 'echo',
  params: echoParams,
  async run(params, ctx) {
    if (!params.fail) return { status: 'pass', metrics: { message: params.message } };
    const finding = ctx.raise('high_error_rate', { severity: 'P2', summary: `echo: ${params.message}`, evidence: [params.message] });
    return {
      status: 'fail',
      metrics: { message: params.message },
      findings: [finding],
      error: { code: 'RP_ERR_UNEXPECTED_STATUS', message: params.message },
    };
  },
};
