/**
 * `npm run invoke -- <event.json>`: sends one event to the function of a running sandbox (`npm start -- --stay`)
 * and prints what a person needs to read: the status, the outcome, the product's own reply JSON (unwrapped from
 * the fdk's failure envelope), and the function's log lines for that call.
 */
import { Command } from "commander";
import { statSync, openSync, readSync, closeSync } from "node:fs";
import { relative } from "node:path";
import { invokeSocket, type FnReply } from "../../test/support/fdk-harness";
import { CliError, quietOnClosedPipe, readUserFile, reportFailure } from "./lib/cli-error";
import { coloursFor, type Colours } from "./lib/colour";
import { surveyRuns, type RunInfo } from "./sandbox/run-dir";

const pc = coloursFor(process.stdout);
quietOnClosedPipe();

/** The running `--stay` sandbox, or a CliError telling "none" from "died (state removed)". */
function findSandbox(): RunInfo {
  const { live, cleaned } = surveyRuns();
  const staying = live.find((r) => r.info.stay);
  if (staying) return staying.info;
  const start = "start one with `npm start -- --stay` (in another terminal)";
  if (cleaned.length > 0) {
    throw new CliError(`stale sandbox (cleaned): its process had died; removed its state ${cleaned.map((d) => relative(process.cwd(), d)).join(", ")}; ${start}`);
  }
  if (live.length > 0) throw new CliError(`no sandbox to invoke: the one running (pid ${live[0].info.pid}) has no --stay and stops when its story ends; ${start}`);
  throw new CliError(`no sandbox is running: ${start}`);
}

/**
 * Our handler's JSON whichever way it came back: a plain reply, or the fdk's failure wrapper
 * `{"message":"Exception in function…","detail":"InvocationFailed: {…}"}`, whose detail holds it as text.
 */
export function unwrapReply(reply: Pick<FnReply, "json" | "body">): { body: Record<string, unknown> | undefined; wrapped: boolean } {
  const json = reply.json as Record<string, unknown> | undefined;
  if (json && typeof json.detail === "string") {
    const brace = json.detail.indexOf("{");
    if (brace >= 0) {
      try {
        return { body: JSON.parse(json.detail.slice(brace)) as Record<string, unknown>, wrapped: true };
      } catch {
        // not our JSON: show the wrapper as it is
      }
    }
  }
  return { body: json && typeof json === "object" ? json : undefined, wrapped: false };
}

const HIDDEN = new Set(["level", "time", "msg", "svc", "pid", "hostname"]);

/** One log line, readable: time, level, message, then key=value pairs. */
export function prettyLogLine(line: string, c: Colours = pc): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (!o || typeof o !== "object") return line;
  const level = String(o.level ?? "");
  const paint = level === "error" || level === "fatal" ? c.red : level === "warn" ? c.yellow : c.dim;
  const time = typeof o.time === "string" ? o.time.slice(11, 23) : "";
  const fields = Object.entries(o)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${c.dim(`${k}=`)}${typeof v === "string" && !/\s/.test(v) ? v : JSON.stringify(v)}`);
  const msg = String(o.msg ?? "").replace(/\s*\n\s*/g, " ⏎ ");
  return [c.dim(time), paint(level.padEnd(5)), msg, ...fields].filter((p) => p !== "").join(" ");
}

function sizeOf(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.size ?? 0;
}

function readFrom(file: string, offset: number): string {
  const end = sizeOf(file);
  if (end <= offset) return "";
  const buf = Buffer.alloc(end - offset);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, buf.length, offset);
  } finally {
    closeSync(fd);
  }
  return buf.toString("utf8");
}

const FAILED = new Set(["failed", "invalid", "refused"]);

async function invoke(file: string, o: { json?: boolean }): Promise<number> {
  const payload = readUserFile(file, "event file");
  const sandbox = findSandbox();
  const logStart = sizeOf(sandbox.log);
  const callId = `invoke-${Date.now().toString(36)}`;
  let reply: FnReply;
  try {
    reply = await invokeSocket(sandbox.socket, payload, { callId });
  } catch (err) {
    throw new CliError(`the sandbox (pid ${sandbox.pid}) is up but its function does not answer on ${relative(process.cwd(), sandbox.socket)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
  }
  // The sandbox appends the function's output as it arrives; give the last lines a moment.
  await new Promise((r) => setTimeout(r, 150));
  const lines = readFrom(sandbox.log, logStart).split("\n").filter((l) => l.trim() !== "");
  const { body, wrapped } = unwrapReply(reply);
  const outcome = typeof body?.outcome === "string" ? body.outcome : typeof body?.error === "string" ? "failed" : "unknown";
  const ok = reply.status >= 200 && reply.status < 300 && !FAILED.has(outcome);
  if (o.json) {
    console.log(JSON.stringify({ status: reply.status, outcome, reply: body ?? reply.body, log: lines.map((l) => { try { return JSON.parse(l) as unknown; } catch { return l; } }) }, null, 2));
    return ok ? 0 : 1;
  }
  const fnStatus = reply.headers["fn-http-status"];
  const status = `${reply.status}${wrapped ? " (the fdk's failure reply; the product's JSON is unwrapped below)" : ""}${fnStatus && String(fnStatus) !== String(reply.status) ? `, function status ${String(fnStatus)}` : ""}`;
  const verdict = ok ? pc.green(outcome) : pc.red(outcome);
  console.log(`${pc.bold("status")}   ${status}`);
  console.log(`${pc.bold("outcome")}  ${verdict}${ok ? "" : pc.red("  (the sandbox is up; the function answered with a failure)")}`);
  console.log(`${pc.bold("reply")}\n${body ? JSON.stringify(body, null, 2) : reply.body}`);
  console.log(`${pc.bold("function log")} (${lines.length} line${lines.length === 1 ? "" : "s"} for this call, from ${relative(process.cwd(), sandbox.log)})`);
  for (const l of lines) console.log(`  ${prettyLogLine(l)}`);
  return ok ? 0 : 1;
}

new Command("invoke")
  .description("Send one event to the function of a running sandbox (npm start -- --stay)")
  .argument("<event>", "path of an event JSON file (e.g. examples/events/createuser.json)")
  .option("--json", "print status, outcome, reply and log lines as one JSON object")
  .action(async (file: string, o: { json?: boolean }) => {
    process.exitCode = await invoke(file, o);
  })
  .parseAsync()
  .catch((err: unknown) => {
    process.exitCode = reportFailure("invoke", err);
  });
