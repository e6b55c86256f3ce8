import { randomInt } from "node:crypto";

const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER = "abcdefghijkmnopqrstuvwxyz";
const DIGIT = "23456789";
const ALL = UPPER + LOWER + DIGIT + "_#";

/**
 * A 24-character password from the CSPRNG that meets ADB's rules (upper, lower, digit; no quote) and can
 * never contain a user name (those are upper-case only and the password mixes case). It is sent once in
 * CREATE USER … PASSWORD EXPIRE and never stored, logged or returned.
 */
export function generatePassword(length = 24): string {
  const pick = (set: string): string => set.charAt(randomInt(set.length));
  const rest = [pick(UPPER), pick(LOWER), pick(DIGIT)];
  while (rest.length < length - 1) rest.push(pick(ALL));
  for (let i = rest.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [rest[i], rest[j]] = [rest[j] as string, rest[i] as string];
  }
  // ADB's verifier wants a letter first.
  return pick(UPPER + LOWER) + rest.join("");
}
