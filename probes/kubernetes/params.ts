/** The Kubernetes kind's params: which of the runbook's cluster questions to ask (pods are always listed and judged). */
import { z } from 'zod';

export const KUBERNETES_CHECKS = ['pods', 'endpoints', 'events', 'logs', 'metrics'] as const;
export type KubernetesCheck = (typeof KUBERNETES_CHECKS)[number];

const isCheck = (value: string): value is KubernetesCheck => (KUBERNETES_CHECKS as readonly string[]).includes(value);
const expected = KUBERNETES_CHECKS.join(', ');

export const kubernetesParams = z.object({
  /** default: all of them */
  checks: z
    .array(z.string(), { invalid_type_error: `kubernetes checks must be a list of: ${expected}` })
    .superRefine((checks, ctx) => {
      const unknown = checks.filter((c) => !isCheck(c));
      if (unknown.length > 0)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `unknown kubernetes check(s) ${unknown.join(', ')} (expected: ${expected})` });
    })
    .transform((checks) => checks.filter(isCheck))
    .optional(),
});

export type KubernetesProbeParams = z.infer<typeof kubernetesParams>;
