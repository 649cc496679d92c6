/**
 * Leader failover with `incidents.store: kubernetes` (issue 18 acceptance 3): the replicas share no volume, only
 * the state ConfigMap, and the new leader meets injected 409s on its first writes.
 */
import { failoverSuite } from './failover.js';

failoverSuite('kubernetes', 'leader failover with the ConfigMap store, no shared volume (issue 18 acceptance 3)');
