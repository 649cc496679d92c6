/** The Prometheus kind's config section, `prometheus`: where to ask and what. */
import { z } from 'zod';
import type { DeepReadonly } from '../../src/model/settings/readonly.js';
import { settingsSection } from '../types.js';
import { duration } from '../../src/model/settings/duration.js';
import { optionalHttpUrl } from '../../src/model/settings/url.js';

export const prometheusSchema = z
  .object({
    url: optionalHttpUrl.default(''),
    timeout: duration.default('5s'),
    window: z
      .string()
      .regex(/^\d+[smhd]$/, 'expected a PromQL range like 5m')
      .default('5m'),
    queries: z
      .object({
        errorRate: z
          .string()
          .default('(sum(rate(api_requests_total{status=~"5.."}[$window])) or vector(0)) / sum(rate(api_requests_total[$window]))'),
        p95: z.string().default('histogram_quantile(0.95, sum by (le) (rate(api_request_duration_seconds_bucket[$window])))'),
        requestRate: z.string().default('sum(rate(api_requests_total[$window]))'),
      })
      .strict()
      .default({}),
    alerts: z.array(z.string()).default(['HighErrorRate', 'SlowAPIRequests', 'APIDown']),
  })
  .strict();

export type PrometheusConfig = z.infer<typeof prometheusSchema>;

export type PrometheusSettings = DeepReadonly<PrometheusConfig>;

export const prometheusSettings = settingsSection('prometheus', prometheusSchema, {}, () => ({ url: '${PROMETHEUS_URL:-}' }));
