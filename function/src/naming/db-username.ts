import { createHash } from "node:crypto";
import { parseDbIdentifier, type DbIdentifier } from "../sql/quote";

export type NamingRule = "username" | "email_local";

/**
 * IAM user name → database user name, deterministic:
 * 1. `username` takes the whole IAM name, `email_local` the part before the last "@" (the whole name if none);
 * 2. upper-case it, and replace every character outside A-Z 0-9 _ $ # with "_";
 * 3. prepend NAME_PREFIX, and "U_" if the result does not start with a letter;
 * 4. if it is longer than 128 bytes, keep the first 119 characters and append "_" + 8 hex digits of the
 *    SHA-256 of the IAM name, so long names stay distinct.
 * Different IAM names can map to the same database name (jane.doe and jane_doe); the registry detects that
 * collision and the second user is refused, never merged.
 */
export function dbUsernameFor(iamName: string, rule: NamingRule, prefix = ""): DbIdentifier {
  const at = iamName.lastIndexOf("@");
  const base = rule === "email_local" && at > 0 ? iamName.slice(0, at) : iamName;
  let name = prefix + base.toUpperCase().replace(/[^A-Z0-9_$#]/g, "_");
  if (!/^[A-Z]/.test(name)) name = `U_${name}`;
  if (name.length > 128) {
    const digest = createHash("sha256").update(iamName).digest("hex").slice(0, 8).toUpperCase();
    name = `${name.slice(0, 119)}_${digest}`;
  }
  return parseDbIdentifier(name, () => `database user name for IAM user ${JSON.stringify(iamName.slice(0, 40))}`);
}
