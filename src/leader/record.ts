/** The leader-election record inside a coordination.k8s.io/v1 Lease, read and written the way client-go does it. */
import { hostname } from 'node:os';
import { V1MicroTime, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';

export interface LeaseView {
  holder: string | null;
  /** when the holder last renewed (the Lease's renewTime) */
  renewedAt: number | null;
  durationMs: number;
  transitions: number;
  resourceVersion: string | undefined;
}

/** The library hands MicroTime back as the server's string; be liberal in what is accepted. */
function toMs(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

export function viewOf(lease: V1Lease, fallbackDurationMs: number): LeaseView {
  const spec = lease.spec ?? {};
  return {
    holder: spec.holderIdentity ? spec.holderIdentity : null,
    renewedAt: toMs(spec.renewTime),
    durationMs: spec.leaseDurationSeconds ? spec.leaseDurationSeconds * 1000 : fallbackDurationMs,
    transitions: spec.leaseTransitions ?? 0,
    resourceVersion: lease.metadata?.resourceVersion,
  };
}

/** When the current holder's claim lapses; null when nobody holds it (free now). */
export function expiresAt(view: LeaseView): number | null {
  if (!view.holder || view.renewedAt === null) return null;
  return view.renewedAt + view.durationMs;
}

export function microTime(ms: number): V1MicroTime {
  return new V1MicroTime(ms);
}

/** The spec we write to claim or keep the lease. */
export function claimSpec(
  previous: LeaseView | null,
  previousSpec: V1LeaseSpec | undefined,
  identity: string,
  now: number,
  durationMs: number,
): V1LeaseSpec {
  const keeping = previous?.holder === identity;
  return {
    holderIdentity: identity,
    leaseDurationSeconds: Math.max(1, Math.ceil(durationMs / 1000)),
    acquireTime: keeping && previousSpec?.acquireTime ? previousSpec.acquireTime : microTime(now),
    renewTime: microTime(now),
    leaseTransitions: previous === null ? 0 : keeping ? previous.transitions : previous.transitions + 1,
  };
}

/** Pod name from the downward API when set (it is the pod's hostname anyway), else host and pid. */
export function defaultIdentity(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env['POD_NAME'] || `${hostname()}_${process.pid}`;
}
