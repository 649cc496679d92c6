/** What diagnosis needs from a run: the bound finding builder and the few settings its readings depend on. */
import type { Config } from '../config/schema.js';
import { healthEndpointOf } from '../model/settings/endpoint.js';
import type { Bands } from '../model/severity.js';
import type { FindingBuilder } from '../runbook/finding.js';

export interface DiagnosisContext {
  readonly raise: FindingBuilder;
  /** the service's display name, for the outage summary */
  readonly service: string;
  readonly bands: Bands;
  /** the name of the endpoint the runbook's health check means */
  readonly healthEndpoint: string | undefined;
  /** the dependencies an endpoint declares (`dependsOn`), by endpoint name */
  dependenciesOf(endpoint: string): readonly string[];
}

export function diagnosisContext(config: Config, raise: FindingBuilder): DiagnosisContext {
  return {
    raise,
    service: config.service,
    bands: config.severity,
    healthEndpoint: healthEndpointOf(config.endpoints)?.name,
    dependenciesOf: (name) => config.endpoints.find((e) => e.name === name)?.dependsOn ?? [],
  };
}
