import type { Op } from "../plan/ops";

/**
 * What an ORA- code means for the operation that raised it. Dropping a missing user or revoking what is not
 * granted means the database moved since it was read: the unit stops there and is planned again from a fresh
 * read. ORA-01920 (name in use by a user or role) is never "already done": the plan proves ownership first.
 * Matched on the number: newer releases reword the texts.
 */
const ALREADY: Partial<Record<Op["op"], ReadonlySet<number>>> = {
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
