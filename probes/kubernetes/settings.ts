/**
 * The Kubernetes kind's config section, `kubernetes`. Leader election and every finding's commands read the cluster
 * settings too (through the assembled config), so they stay one section.
 */
import { z } from 'zod';
import type { DeepReadonly } from '../../src/model/settings/readonly.js';
import { settingsSection } from '../types.js';
import { duration } from '../../src/model/settings/duration.js';

export const kubernetesSchema = z
  .object({
    enabled: z.enum(['auto', 'true', 'false']).or(z.boolean()).default('auto'),
    /** unset: the kubeconfig context's namespace (the pod's own in a cluster), else "default" — as kubectl does */
    namespace: z.string().min(1).optional(),
    deployment: z.string().default('deeptech-api'),
    selector: z.string().default('app=deeptech-api'),
    service: z.string().optional().describe('Service whose Endpoints are checked; defaults to the deployment name'),
    container: z.string().default('api'),
    image: z.string().default('ghcr.io/yourorg/deeptech-radar-api:latest'),
    kubeconfig: z.string().optional(),
    timeout: duration.default('10s'),
    logTailLines: z.number().int().min(1).max(5_000).default(200),
    restartWindow: duration.default('30m'),
    cpuSaturation: z.number().min(0).max(1).default(0.9),
    leaderElection: z
      .object({
        enabled: z.boolean().default(false),
        leaseName: z.string().default('radar-probe-leader'),
        leaseDuration: duration.default('15s'),
        renewEvery: duration.default('5s'),
      })
      .strict()
      .default({}),
  })
  .strict();

export type KubernetesConfig = z.infer<typeof kubernetesSchema>;

export type KubernetesSettings = DeepReadonly<KubernetesConfig>;

export const kubernetesSettings = settingsSection('kubernetes', kubernetesSchema, {});
