import pino from "pino";
import { redactLine } from "./redact-line";

export type Logger = pino.Logger;

/** Loggers without extra bindings, by level: one stdout destination per level, not one per caller. */
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

/** The options of every logger: ISO time, the level by name, sensitive keys censored in lines and bindings. */
export const loggerOptions = (level: string, bindings: Record<string, unknown>): pino.LoggerOptions => ({
  level,
  base: { svc: "iam-adb-sync", ...bindings },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }), bindings: redactLine, log: redactLine },
});

function newLogger(level: string, bindings: Record<string, unknown>): Logger {
  return censoringChildren(pino(loggerOptions(level, bindings), pino.destination({ fd: 1, sync: true })));
}

/**
 * pino applies the bindings formatter to the root's bindings only, so a child's go through redactLine here;
 * children inherit this child() from the root.
 */
export function censoringChildren(log: Logger): Logger {
  type Child = (this: Logger, bindings: pino.Bindings, options?: pino.ChildLoggerOptions) => Logger;
  const pinoChild = (Object.getPrototypeOf(log) as { child: Child }).child;
  const censoring: Child = function (bindings, options) {
    return pinoChild.call(this, redactLine(bindings), options);
  };
  log.child = censoring as unknown as Logger["child"];
  return log;
}
