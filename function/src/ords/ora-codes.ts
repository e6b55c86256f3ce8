import type { Op } from "../plan/ops";

/**
 * What an ORA- code means for the operation that raised it. Re-delivered and out-of-order events hit these
 * on purpose: creating an existing user, dropping a missing one, revoking what is not granted all mean the
 * database is already where the event wants it. Matched on the number: newer releases reword the texts.
 */
const ALREADY: Partial<Record<Op["op"], ReadonlySet<number>>> = {
  create_user: new Set([1920]), // user name conflicts with another user or role name (our PENDING row guards ownership)
  drop_user: new Set([1918]), // user does not exist
  revoke: new Set([1951, 1952, 1924]), // role / system privilege not granted
};

/** Worth retrying: the session or object is busy, not wrong. */
const TRANSIENT = new Set([
  54, // resource busy
  1940, // cannot drop a user who is currently connected
  4021, // timeout waiting for lock
  12170, 12514, 12541, 12543, // connection trouble between ORDS and the database
]);

export type OraVerdict = "already" | "transient" | "permanent";

export function classifyOra(op: Op["op"], code: number): OraVerdict {
  if (ALREADY[op]?.has(code)) return "already";
  if (TRANSIENT.has(code)) return "transient";
  return "permanent";
}
