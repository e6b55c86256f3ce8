import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUNDLE_FILE, functionNode } from "./paths";

/** Preload that ends a function process once its parent is gone (a SIGKILLed sandbox or jest worker). */
const EXIT_WITH_PARENT = join(__dirname, "exit-with-parent.cjs");

export interface FnReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Parsed body when it is JSON, else undefined. */
  json: unknown;
}

export interface RunningFunction {
  socket: string;
  /** Everything the process wrote to stdout and stderr so far (its log lines). */
  output(): string;
  invoke(body: unknown, opts?: { deadline?: Date; callId?: string; headers?: Record<string, string> }): Promise<FnReply>;
  stop(): Promise<void>;
}

/**
 * Starts the bundled function exactly as the Functions service does: FN_FORMAT=http-stream,
 * FN_LISTENER=unix:<sock>, config as environment variables; resolves once the fdk listener's socket exists.
 */
export async function startFunction(
  config: Record<string, string>,
  opts: { file?: string; timeoutMs?: number; socketDir?: string; onOutput?: (chunk: string) => void } = {},
): Promise<RunningFunction> {
  const dir = opts.socketDir ?? mkdtempSync(join(tmpdir(), "fn-"));
  if (opts.socketDir) {
    mkdirSync(dir, { recursive: true });
    for (const stale of ["fn.sock", "fn.sock.tmp"]) rmSync(join(dir, stale), { force: true });
  }
  const socket = join(dir, "fn.sock");
  let out = "";
  const child: ChildProcess = spawn(functionNode(), ["--require", EXIT_WITH_PARENT, opts.file ?? BUNDLE_FILE], {
    env: {
      PATH: process.env.PATH ?? "",
      FN_FORMAT: "http-stream",
      FN_LISTENER: `unix:${socket}`,
      FN_APP_NAME: "iam-adb-sync",
      FN_FN_NAME: "provision",
      FN_MEMORY: "256",
      ...config,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (d: Buffer) => {
    out += d.toString();
    opts.onOutput?.(d.toString());
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exited: number | null = null;
  child.on("exit", (code) => (exited = code ?? -1));

  const started = Date.now();
  while (!existsSync(socket)) {
    if (exited !== null) throw new Error(`function exited with ${exited} before listening:\n${out}`);
    if (Date.now() - started > (opts.timeoutMs ?? 10000)) {
      child.kill("SIGKILL");
      throw new Error(`function did not listen within ${opts.timeoutMs ?? 10000} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }

  return {
    socket,
    output: () => out,
    invoke: (body, o = {}) => invokeSocket(socket, body, o),
    stop: async () => {
      if (exited === null) {
        const gone = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await gone;
      }
      if (opts.socketDir) for (const f of ["fn.sock", "fn.sock.tmp"]) rmSync(join(dir, f), { force: true });
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One POST /call over the unix socket, with the headers the Functions service sends. */
export function invokeSocket(
  socket: string,
  body: unknown,
  o: { deadline?: Date; callId?: string; headers?: Record<string, string> } = {},
): Promise<FnReply> {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: socket,
        path: "/call",
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Fn-Call-Id": o.callId ?? `call-${Math.random().toString(36).slice(2)}`,
          "Fn-Deadline": (o.deadline ?? new Date(Date.now() + 60000)).toISOString(),
          ...o.headers,
        },
      },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (data += c));
        res.on("end", () => {
          let json: unknown;
          try {
            json = JSON.parse(data);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data, json });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const FAILURE_PREFIX = "InvocationFailed: ";

/**
 * The JSON our handler wrote, success or failure: the fdk can only fail an invocation with a 502 whose
 * `detail` is the thrown error's text, and main.ts throws our JSON as that text.
 */
export function replyBody(reply: Pick<FnReply, "status" | "json">): Record<string, any> {
  const body = (reply.json ?? {}) as Record<string, any>;
  if (reply.status === 502 && typeof body.detail === "string" && body.detail.startsWith(FAILURE_PREFIX)) {
    return JSON.parse(body.detail.slice(FAILURE_PREFIX.length)) as Record<string, any>;
  }
  return body;
}
