import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

export interface StartedListener {
  pid: number;
  socket: string;
  /** Milliseconds from just before spawn() to the moment the fdk's socket link appeared. */
  readyMs: number;
  /** performance.now() just before spawn(), for timing what follows (a first reply) from the same start. */
  spawnedAt: number;
  stop(): Promise<void>;
}

/**
 * Starts `node <argv>` as the Functions service would (FN_FORMAT=http-stream, FN_LISTENER=unix:…) and times
 * it until the fdk publishes its socket. The fdk listens on `fn.sock.tmp` and then links `fn.sock` to it, so
 * the link is the "ready" signal; a directory watch catches it without polling granularity.
 */
export async function launchListener(
  argv: readonly string[],
  o: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; node?: string } = {},
): Promise<StartedListener> {
  const dir = mkdtempSync(join(tmpdir(), "bench-fn-"));
  const socket = join(dir, "fn.sock");
  let output = "";
  const ready = new Promise<void>((resolve) => {
    const watcher = watch(dir, () => {
      if (existsSync(socket)) {
        watcher.close();
        resolve();
      }
    });
  });
  const t0 = performance.now();
  const child = spawn(o.node ?? process.execPath, [...argv], {
    cwd: o.cwd,
    env: { PATH: process.env.PATH ?? "", FN_FORMAT: "http-stream", FN_LISTENER: `unix:${socket}`, FN_APP_NAME: "bench", FN_FN_NAME: "bench", ...o.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number>((resolve) => child.once("exit", (code) => resolve(code ?? -1)));
  const timeoutMs = o.timeoutMs ?? 30000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => "ready" as const),
    exited.then((code) => `exited with ${code}` as const),
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no socket within ${timeoutMs} ms`), timeoutMs))),
  ]);
  const readyMs = performance.now() - t0;
  clearTimeout(timer);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (outcome !== "ready") {
    await stop();
    throw new Error(`node ${argv.join(" ")}: ${outcome}\n${output.slice(-2000)}`);
  }
  return { pid: child.pid ?? -1, socket, readyMs, spawnedAt: t0, stop };
}
