/** The Prometheus kind takes no params: what to ask comes from the `prometheus` config section. */
import { z } from 'zod';

export const prometheusParams = z.object({}).strict();

export type PrometheusProbeParams = z.infer<typeof prometheusParams>;
