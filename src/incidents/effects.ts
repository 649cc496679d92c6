/** What the lifecycle hands back and what it runs in: shared by the state machine and the recovery rules. */
import type { NotificationKind } from '../notify/types.js';
import type { Severity } from '../model/types.js';
import type { EscalationPolicy } from './escalation.js';
import type { Family, Incident } from './types.js';

export type LifecycleEventName = 'opened' | 'updated' | 'identified' | 'monitoring' | 'resolved';

export type Effect =
  | { type: 'notify'; incident: Incident; kind: NotificationKind; previousSeverity?: Severity | null; note?: string }
  | { type: 'event'; name: LifecycleEventName; incident: Incident };

export interface LifecycleEnv {
  now: number;
  service: string;
  openAfter: number;
  verifyWindowMs: number;
  policy: EscalationPolicy;
  newId(family: Family): string;
}
