import pino from "pino";

export type Logger = pino.Logger;

/**
 * Paths never written to a log line, whatever a caller passes. Defence in depth: code should not hand
 * secrets to the logger in the first place.
 */
const REDACT = [
  "password",
  "secret",
  "clientSecret",
  "client_secret",
  "token",
  "access_token",
  "authorization",
  "Authorization",
  "*.password",
  "*.secret",
  "*.clientSecret",
  "*.client_secret",
  "*.token",
  "*.access_token",
  "*.authorization",
  "*.Authorization",
  "headers.authorization",
  "headers.Authorization",
];

/** Loggers without extra bindings, by level: each pino instance compiles its redaction code (tens of ms cold). */
const shared = new Map<string, Logger>();

/**
 * Structured JSON lines on stdout, which the Functions service forwards to OCI Logging. Synchronous
 * writes: a function instance may be frozen right after replying, and buffered lines would be lost.
 * Without bindings, one logger per level serves the whole process (start-up's and the services' alike).
 */
export function createLogger(level: string = "info", bindings: Record<string, unknown> = {}): Logger {
  if (Object.keys(bindings).length > 0) return newLogger(level, bindings);
  let log = shared.get(level);
  if (!log) shared.set(level, (log = newLogger(level, bindings)));
  return log;
}

function newLogger(level: string, bindings: Record<string, unknown>): Logger {
  return pino(
    {
      level,
      base: { svc: "iam-adb-sync", ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: "[redacted]" },
    },
    pino.destination({ fd: 1, sync: true }),
  );
}
