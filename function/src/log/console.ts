import { format } from "node:util";
import type { Logger } from "./logger";

/**
 * The OCI SDK and the fdk write plain console lines (retry notices, invocation errors). Routing them through
 * the logger keeps every line the function prints a JSON object that OCI Logging can index, and puts them
 * behind the same redaction.
 */
export function routeConsoleTo(log: Logger): void {
  const to = (level: "info" | "warn" | "error") => (...args: unknown[]) => log[level]({ source: "console" }, format(...args));
  console.log = to("info");
  console.info = to("info");
  console.warn = to("warn");
  console.error = to("error");
}
