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

/**
 * Structured JSON lines on stdout, which the Functions service forwards to OCI Logging. Synchronous
 * writes: a function instance may be frozen right after replying, and buffered lines would be lost.
 */
export function createLogger(level: string = "info", bindings: Record<string, unknown> = {}): Logger {
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
