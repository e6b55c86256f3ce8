/**
 * Last line of defence before an audit record leaves the process: the caller is expected to hand over
 * nothing secret, but a record that slipped through is stored with the sensitive parts masked.
 */
const SENSITIVE_KEY = /pass(word|phrase)?|secret|token|authorization|credential|private_?key|api_?key|cookie/i;

/** Secrets that can hide inside otherwise harmless strings (SQL text, copied headers). */
const SENSITIVE_TEXT: Array<[RegExp, string]> = [
  [/(IDENTIFIED\s+BY\s+)("(?:[^"]|"")*"|\S+)/gi, '$1"[redacted]"'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, "$1 [redacted]"],
];

export const REDACTED = "[redacted]";

const masked = (text: string) => SENSITIVE_TEXT.reduce((s, [re, to]) => s.replace(re, to), text);

/**
 * `record` as the JSON an audit object holds (indented for people reading it), masked while it is written:
 * a value under a sensitive key (flags and null excepted) and secrets inside strings. No masked copy of the
 * record is built first.
 */
export function redactedJson(record: unknown): string {
  return JSON.stringify(record, (key, value: unknown) => {
    if (SENSITIVE_KEY.test(key) && value !== null && value !== undefined && typeof value !== "boolean") return REDACTED;
    return typeof value === "string" ? masked(value) : value;
  }, 2);
}
