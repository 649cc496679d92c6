import { z } from 'zod';
import { duration, thresholdDuration } from './duration.js';
import { headerMap, requestPath } from './url.js';

/** A response body larger than this is refused before it is buffered (a 1 GiB body once took 2.2 GB of memory). */
export const MAX_BODY_BYTES_CAP = 64 * 1_048_576;

const statusMatcher = z.union([
  z.number().int().min(100).max(599),
  z.string().regex(/^[1-5]xx$/, 'expected a status code like 200 or a class like "2xx"'),
]);

export const jsonAssertion = z
  .object({
    path: z.string().min(1).describe('JSON path like $.items[0].id or items.0.id'),
    exists: z.boolean().optional(),
    equals: z.unknown().optional(),
  })
  .strict();

/** How a certificate is judged: trusted roots beyond the system's, and how early an expiry is worth a finding. */
export const endpointTls = z
  .object({
    /** a PEM bundle trusted besides the system roots: a private or in-cluster CA (cert-manager's, a mesh's) */
    caFile: z.string().min(1).optional(),
    /** a certificate of the chain expiring sooner than this many days is a P3 finding (expired or untrusted: P1) */
    expiryWarningDays: z.number().positive().max(3650).default(14),
  })
  .strict();

export const endpointSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/i, 'expected a short name of letters, digits, "-", "_" or "."'),
    path: requestPath,
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    headers: headerMap.default({}),
    body: z.union([z.string(), z.record(z.unknown())]).optional(),
    timeout: duration.optional(),
    samples: z.number().int().min(1).max(1000).default(1),
    maxBodyBytes: z.number().int().positive().max(MAX_BODY_BYTES_CAP, 'must be at most 67108864 (64 MiB)').default(1_048_576),
    dependsOn: z.array(z.string()).default([]),
    tls: endpointTls.default({}),
    expect: z
      .object({
        status: z.union([statusMatcher, z.array(statusMatcher).nonempty()]).default('2xx'),
        json: z.array(jsonAssertion).default([]),
        contains: z.string().optional(),
        maxLatency: thresholdDuration.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type EndpointConfig = z.infer<typeof endpointSchema>;

/** The endpoint the runbook's `curl /health` means: named or routed `health`, else the first one configured. */
export function healthEndpointOf<E extends { name: string; path: string }>(endpoints: readonly E[]): E | undefined {
  return endpoints.find((e) => e.name === 'health' || e.path.startsWith('/health')) ?? endpoints[0];
}

export const endpointsDefaults = [
  { name: 'health', path: '/health' },
  { name: 'papers', path: '/v1/papers?limit=10' },
  { name: 'papers-near', path: '/v1/papers/near?text_query=quantum&k=5', dependsOn: ['openai'] },
];

export const endpointsSchema = z
  .array(endpointSchema)
  .min(1, 'expected at least one endpoint')
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((endpoint, index) => {
      if (seen.has(endpoint.name)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, 'name'], message: `duplicate endpoint name "${endpoint.name}"` });
      }
      seen.add(endpoint.name);
    });
  });
