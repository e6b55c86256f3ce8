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

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 32) return "[too deep]";
  if (typeof value === "string") return SENSITIVE_TEXT.reduce((s, [re, to]) => s.replace(re, to), value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SENSITIVE_KEY.test(k) && v !== null && v !== undefined && typeof v !== "boolean" ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}
