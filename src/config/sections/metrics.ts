import { z } from 'zod';

/** Default of `metrics.endpointHistogramsUpTo`: past it, a scrape at thousands of endpoints would be megabytes. */
export const ENDPOINT_HISTOGRAMS_UP_TO = 100;

/** What /metrics exports per endpoint. */
export const metricsSchema = z
  .object({
    /**
     * Per-endpoint request-duration histograms and phase gauges are exported while the daemon probes at most this many
     * HTTP endpoints; beyond, only the per-endpoint summary gauges (success, duration, status, window error ratio and
     * p95, runs) and the daemon-wide histograms. Raise it to opt in.
     */
    endpointHistogramsUpTo: z.number().int().min(0).default(ENDPOINT_HISTOGRAMS_UP_TO),
  })
  .strict();

export type MetricsConfig = z.infer<typeof metricsSchema>;
