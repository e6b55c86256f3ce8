/**
 * Lists of a few strings (a user's mapped groups), kept and compared without Array.prototype.sort: on lists
 * of two, sort's scratch arrays were a fifth of what reconciliation allocated per user.
 */

/** Adds `s` to an ascending list of distinct strings (code-unit order, as sort() orders), unless it is there. */
export function insertSorted(list: string[], s: string): void {
  let i = list.length;
  while (i > 0 && (list[i - 1] as string) > s) i--;
  if (i > 0 && list[i - 1] === s) return;
  // Shifted by hand: splice would allocate the (empty) array of removed items on every call.
  for (let k = list.length; k > i; k--) list[k] = list[k - 1] as string;
  list[i] = s;
}

function count(list: readonly string[], s: string): number {
  let n = 0;
  for (const x of list) if (x === s) n++;
  return n;
}

/** The same strings the same number of times, in any order (quadratic: for short lists only). */
export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (const s of a) if (count(a, s) !== count(b, s)) return false;
  return true;
}
