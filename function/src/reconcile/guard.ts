import type { AccountWork } from "./work";

export interface GuardLimits {
  /** Largest share (0-1) of managed accounts one run may remove or lock. */
  share: number;
  /** Largest number of accounts one run may remove or lock. */
  max: number;
}

export interface GuardVerdict {
  tripped: boolean;
  /** Accounts the run would remove or lock. */
  affected: number;
  managed: number;
  reason?: string;
}

/**
 * Accidental-deletion guard: an empty or wrongly filtered SCIM answer (a renamed group, a bad mapping, a
 * domain mix-up) looks exactly like "everyone left". A run that would remove or lock more than the limits
 * allow stops before changing anything.
 */
export function checkGuard(work: readonly Pick<AccountWork, "removesOrLocks">[], managed: number, limits: GuardLimits): GuardVerdict {
  const affected = work.filter((w) => w.removesOrLocks).length;
  const share = managed === 0 ? 0 : affected / managed;
  const over: string[] = [];
  if (affected > limits.max) over.push(`more than RECONCILE_GUARD_MAX=${limits.max}`);
  if (share > limits.share) over.push(`${(share * 100).toFixed(1)}% is more than RECONCILE_GUARD_SHARE=${limits.share}`);
  if (over.length === 0) return { tripped: false, affected, managed };
  return {
    tripped: true,
    affected,
    managed,
    reason: `the run would remove or lock ${affected} of ${managed} managed accounts (${over.join("; ")}); nothing was changed. Check the identity domain and GROUP_ROLE_MAP, then run again with force to proceed`,
  };
}
