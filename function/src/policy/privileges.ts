/**
 * System privileges the product grants without further configuration: what an ordinary schema owner needs.
 * Anything else must be named in EXTRA_PRIVILEGES and still pass privilegeRefusal.
 */
export const ALLOWED_PRIVILEGES: readonly string[] = [
  "CREATE SESSION",
  "CREATE TABLE",
  "CREATE VIEW",
  "CREATE SEQUENCE",
  "CREATE PROCEDURE",
  "CREATE SYNONYM",
  "CREATE TRIGGER",
  "CREATE TYPE",
];

/** Words that make a privilege reach beyond the grantee's own schema, or hand out more rights. */
const REFUSED_WORDS = ["ANY", "ALL", "ADMINISTER", "BECOME", "INHERIT", "EXEMPT", "GRANT", "ADMIN", "OPTION", "SYSDBA", "SYSOPER", "UNLIMITED"];
const REFUSED_PHRASES = [/^ALTER (SYSTEM|DATABASE|USER|PROFILE|RESOURCE COST)\b/, /^(CREATE|DROP) (USER|ROLE|PROFILE)\b/, /^(AUDIT|FLASHBACK|LOGMINING|DEBUG CONNECT)\b/];

/** Why a system privilege (or anything written like one) may never be granted by this product, or undefined. */
export function privilegeRefusal(privilege: string): string | undefined {
  const words = privilege.split(" ");
  const word = REFUSED_WORDS.find((w) => words.includes(w));
  if (word) return `${privilege} is refused: privileges containing ${word} reach beyond the user's own schema or pass rights on`;
  if (REFUSED_PHRASES.some((re) => re.test(privilege))) return `${privilege} is refused: it administers the database, its users or its audit`;
  return undefined;
}
