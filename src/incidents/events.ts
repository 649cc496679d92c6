/** The manager's typed events; tests await them instead of sleeping. */
import { EventEmitter } from 'node:events';
import type { NotificationKind } from '../notify/types.js';
import type { IncidentView } from './types.js';

export interface NotifiedEvent {
  sink: string;
  eventId: string;
  sequence: number;
  kind: NotificationKind;
  incidentId: string;
  attempts: number;
}

export interface DeliveryFailedEvent {
  sink: string;
  eventId: string;
  incidentId: string;
  error: string;
  attempts: number;
  willRetry: boolean;
}

export interface IncidentEventMap {
  opened: [IncidentView];
  updated: [IncidentView];
  identified: [IncidentView];
  monitoring: [IncidentView];
  resolved: [IncidentView];
  escalated: [IncidentView, { level: number; to: string }];
  notified: [NotifiedEvent];
  'delivery-failed': [DeliveryFailedEvent];
}

export class IncidentEvents extends EventEmitter<IncidentEventMap> {
  /** The next `name` event whose first argument satisfies `accept`. */
  next<K extends keyof IncidentEventMap>(name: K, accept: (...args: IncidentEventMap[K]) => boolean = () => true): Promise<IncidentEventMap[K]> {
    return new Promise((resolve) => {
      const listener = (...args: IncidentEventMap[K]): void => {
        if (!accept(...args)) return;
        this.off(name, listener as never);
        resolve(args);
      };
      this.on(name, listener as never);
    });
  }
}
