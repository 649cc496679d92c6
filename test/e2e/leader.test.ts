/** Leader failover through real daemon processes sharing one state directory (issue 8 acceptance 3). */
import { failoverSuite } from './failover.js';

failoverSuite('file', 'leader failover with two daemon processes (issue 8 acceptance 3)');
