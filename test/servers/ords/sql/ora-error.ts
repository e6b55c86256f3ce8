/**
 * Oracle errors as the server reports them. Texts follow Oracle's classic (19c) wording: clients must match
 * on the number, since 23ai rewords many messages.
 */
const MESSAGES: Record<number, (a: string[]) => string> = {
  1: (a) => `unique constraint (${a[0]}) violated`,
  54: () => "resource busy and acquire with NOWAIT specified or timeout expired",
  60: () => "deadlock detected while waiting for resource",
  900: () => "invalid SQL statement",
  902: () => "invalid datatype",
  903: () => "invalid table name",
  904: (a) => `"${a[0]}": invalid identifier`,
  905: () => "missing keyword",
  906: () => "missing left parenthesis",
  907: () => "missing right parenthesis",
  908: () => "missing NULL keyword",
  911: () => "invalid character",
  913: () => "too many values",
  917: () => "missing comma",
  920: () => "invalid relational operator",
  921: () => "unexpected end of SQL command",
  922: () => "missing or invalid option",
  923: () => "FROM keyword not found where expected",
  924: () => "missing BY keyword",
  925: () => "missing INTO keyword",
  926: () => "missing VALUES keyword",
  927: () => "missing equal sign",
  932: (a) => `inconsistent datatypes: expected ${a[0]} got ${a[1]}`,
  933: () => "SQL command not properly ended",
  936: () => "missing expression",
  937: () => "not a single-group group function",
  942: () => "table or view does not exist",
  947: () => "not enough values",
  955: () => "name is already used by an existing object",
  957: () => "duplicate column name",
  959: (a) => `tablespace '${a[0]}' does not exist`,
  971: () => "missing SET keyword",
  972: () => "identifier is too long",
  984: () => "column not allowed here",
  988: () => "missing or invalid password(s)",
  990: () => "missing or invalid privilege",
  1008: () => "not all variables bound",
  1027: () => "bind variables not allowed for data definition operations",
  1031: () => "insufficient privileges",
  1045: (a) => `user ${a[0]} lacks CREATE SESSION privilege; logon denied`,
  1403: () => "no data found",
  1422: () => "exact fetch returns more than requested number of rows",
  1775: () => "looping chain of synonyms",
  1927: () => "cannot REVOKE privileges you did not grant",
  1400: (a) => `cannot insert NULL into (${a[0]})`,
  1407: (a) => `cannot update (${a[0]}) to NULL`,
  1430: () => "column being added already exists in table",
  1449: () => "column contains NULL values; cannot alter to NOT NULL",
  1432: () => "public synonym to be dropped does not exist",
  1434: () => "private synonym to be dropped does not exist",
  1722: () => "invalid number",
  1758: () => "table must be empty to add mandatory (NOT NULL) column",
  1740: () => "missing double quote in identifier",
  1741: () => "illegal zero-length identifier",
  1756: () => "quoted string not properly terminated",
  1785: () => "ORDER BY item must be the number of a SELECT-list expression",
  1861: () => "literal does not match format string",
  1917: (a) => `user or role '${a[0]}' does not exist`,
  1918: (a) => `user '${a[0]}' does not exist`,
  1919: (a) => `role '${a[0]}' does not exist`,
  1920: (a) => `user name '${a[0]}' conflicts with another user or role name`,
  1921: (a) => `role name '${a[0]}' conflicts with another user or role name`,
  1922: (a) => `CASCADE must be specified to drop '${a[0]}'`,
  1934: () => "circular role grant detected",
  1935: () => "missing user or role name",
  1938: () => "IDENTIFIED BY must be specified for CREATE USER",
  1940: () => "cannot drop a user that is currently connected",
  1951: (a) => `ROLE '${a[0]}' not granted to '${a[1]}'`,
  1952: (a) => `system privileges not granted to '${a[0]}'`,
  2260: () => "table can have only one primary key",
  2261: () => "such unique or primary key already exists in the table",
  2264: () => "name already used by an existing constraint",
  2293: (a) => `cannot validate (${a[0]}) - check constraint violated`,
  2299: (a) => `cannot validate (${a[0]}) - duplicate keys found`,
  2437: (a) => `cannot validate (${a[0]}) - primary key violated`,
  2290: (a) => `check constraint (${a[0]}) violated`,
  2380: (a) => `profile ${a[0]} does not exist`,
  3001: () => "unimplemented feature",
  12899: (a) => `value too large for column ${a[0]} (actual: ${a[1]}, maximum: ${a[2]})`,
  6502: () => "PL/SQL: numeric or value error",
  6550: (a) => `line ${a[0]}, column ${a[1]}:\n${a[3] ?? `PLS-00103: Encountered the symbol "${a[2]}"`}`,
  21000: (a) => `error number argument to raise_application_error of ${a[0]} is out of range`,
  28003: () => "password verification for the specified password failed",
  28014: () => "cannot drop administrative user or role",
  28026: () => "user with same external name already exists",
};

/** Where in the statement text the error was detected (1-based, relative to the statement's first line). */
export interface ErrorPosition {
  line: number;
  column: number;
}

export class OraError extends Error {
  readonly code: number;
  /** Extra lines Oracle stacks under the main one (e.g. the ORA-20000 from a password verify function). */
  readonly detailLines: string[];
  position?: ErrorPosition;

  constructor(code: number, args: string[] = [], opts: { position?: ErrorPosition; detailLines?: string[] } = {}) {
    // RAISE_APPLICATION_ERROR's range carries the caller's own message.
    const make = code >= 20000 && code <= 20999 ? (a: string[]) => a[0] ?? "" : MESSAGES[code];
    if (!make) throw new Error(`no message for ORA-${code}`);
    super(`${oraCode(code)}: ${make(args)}`);
    this.name = "OraError";
    this.code = code;
    this.position = opts.position;
    this.detailLines = opts.detailLines ?? [];
  }

  /** The full `errorDetails` text: the ORA- line plus any stacked lines. */
  get details(): string {
    return [this.message, ...this.detailLines].join("\n");
  }
}

export function oraCode(code: number): string {
  return `ORA-${String(code).padStart(5, "0")}`;
}
