/**
 * /healthz and /readyz answers, each from a list of conditions: the first one that does not hold answers, so a
 * new condition (a degraded state write, say) is one more entry, not a new branch in the router.
 */
export interface HealthVerdict {
  status: number;
  text: string;
}

/** null while the condition holds; otherwise what /healthz or /readyz should answer */
export type HealthCondition = () => HealthVerdict | null;

export function judge(conditions: readonly HealthCondition[], healthy: string): HealthVerdict {
  for (const condition of conditions) {
    const verdict = condition();
    if (verdict) return verdict;
  }
  return { status: 200, text: healthy };
}
