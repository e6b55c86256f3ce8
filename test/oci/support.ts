import pino from "pino";
import { Writable } from "node:stream";
import type { Logger } from "../../function/src/log/logger";

/** A debug-level logger whose JSON lines the test can read back (to prove what never gets logged). */
export function captureLogger(): { log: Logger; text(): string } {
  let out = "";
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { log: pino({ level: "debug" }, sink), text: () => out };
}

/** Hands the server's resource principal to this test process, as the Functions service does. */
export function useResourcePrincipal(env: Record<string, string>): void {
  Object.assign(process.env, env);
}
