/**
 * The load probe as a scenario plans it: params from config and command line, the guardrails checked before any
 * traffic (a bad request is a usage error now, not a failed run), and a probe timeout that lets the run finish.
 */
import type { LoadPlanInput } from './settings.js';
import { checkLoadGuardrails } from './guardrails.js';
import { loadParamsFromConfig, suggestedLoadTimeoutMs, type LoadOverrides } from './params.js';
import type { LoadProbeParams } from './types.js';

export function planLoad(config: LoadPlanInput, overrides: LoadOverrides): { params: LoadProbeParams; timeoutMs: number } {
  const params = loadParamsFromConfig(config, overrides);
  checkLoadGuardrails(
    { connections: params.connections, rate: params.rate, durationMs: params.durationMs, amount: params.amount },
    config.load.caps,
    new URL(params.target),
    config.load.allowedHosts,
    config.target,
  );
  return { params, timeoutMs: suggestedLoadTimeoutMs(params) };
}
