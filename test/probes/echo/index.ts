/**
 * A tiny probe kind that lives only in the test suite, added the way a real kind is: this folder, one line in the
 * kind registry, one row in the scenario table (see ./register.ts). It answers with what it was told to, so a test
 * can follow a result through a scenario run and through the daemon. Its `echo:` config section proves a kind
 * brings its settings with it: the config schema is assembled from the registered kinds' sections.
 */
import { z } from 'zod';
import { settingsSection, type KindWithSettings } from '../../../probes/types.js';

export const echoParams = z.object({
  message: z.string().min(1),
  /** answer as a failed probe that raises the runbook's error-rate finding */
  fail: z.boolean().default(false),
});

/** The kind's config section, `echo:` in a config file: what every answer starts with. */
export const echoSchema = z.object({ prefix: z.string().max(20).default('') }).strict();

export const echoProbe: KindWithSettings<z.infer<typeof echoParams>, 'echo', typeof echoSchema> = {
  name: 'echo',
  params: echoParams,
  settings: settingsSection('echo', echoSchema, {}),
  async run(params, ctx) {
    const message = `${ctx.settings.prefix}${params.message}`;
    if (!params.fail) return { status: 'pass', metrics: { message } };
    const finding = ctx.raise('high_error_rate', { severity: 'P2', summary: `echo: ${message}`, evidence: [message] });
    return {
      status: 'fail',
      metrics: { message },
      findings: [finding],
      error: { code: 'RP_ERR_UNEXPECTED_STATUS', message },
    };
  },
};
