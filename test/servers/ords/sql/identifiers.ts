import { OraError } from "./ora-error";
import type { Token } from "./tokenizer";

/** Oracle's reserved words (V$RESERVED_WORDS, RESERVED = 'Y'): never valid as unquoted identifiers. */
export const RESERVED = new Set(
  (
    "ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN COMMENT COMPRESS CONNECT " +
    "CREATE CURRENT DATE DECIMAL DEFAULT DELETE DESC DISTINCT DROP ELSE EXCLUSIVE EXISTS FILE FLOAT FOR FROM " +
    "GRANT GROUP HAVING IDENTIFIED IMMEDIATE IN INCREMENT INDEX INITIAL INSERT INTEGER INTERSECT INTO IS LEVEL " +
    "LIKE LOCK LONG MAXEXTENTS MINUS MODE MODIFY NOAUDIT NOCOMPRESS NOT NOWAIT NULL NUMBER OF OFFLINE ON ONLINE " +
    "OPTION OR ORDER PCTFREE PRIOR PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID ROWNUM ROWS SELECT SESSION SET " +
    "SHARE SIZE SMALLINT START SYNONYM SYSDATE TABLE THEN TO TRIGGER UID UNION UNIQUE UPDATE USER VALIDATE " +
    "VALUES VARCHAR VARCHAR2 VIEW WHENEVER WHERE WITH"
  ).split(" "),
);

const MAX_IDENTIFIER_BYTES = 128;

/** Unquoted: a letter, then letters, digits, `_`, `$`, `#` — ASCII only in this server. */
const UNQUOTED = /^[A-Z][A-Z0-9_$#]*$/;

/**
 * The dictionary form of an identifier token: unquoted names are upper-cased (the tokenizer did that) and
 * must follow the unquoted rules; quoted names keep their case and may hold anything but `"` and NUL.
 * `missing` is the ORA code Oracle reports when something else stands where the name belongs.
 */
export function identifierOf(tok: Token | undefined, missing: number): string | OraError {
  if (!tok) return new OraError(missing === 904 ? 936 : missing);
  if (tok.kind === "word") {
    if (RESERVED.has(tok.value)) return new OraError(missing, missing === 904 ? [tok.value] : []);
    if (!UNQUOTED.test(tok.value)) return new OraError(911);
    if (Buffer.byteLength(tok.value) > MAX_IDENTIFIER_BYTES) return new OraError(972);
    return tok.value;
  }
  if (tok.kind === "qident") {
    if (tok.value.length === 0) return new OraError(1741);
    if (tok.value.includes("\0")) return new OraError(911);
    if (Buffer.byteLength(tok.value) > MAX_IDENTIFIER_BYTES) return new OraError(972);
    return tok.value;
  }
  return new OraError(missing, missing === 904 ? [tok.value] : []);
}
