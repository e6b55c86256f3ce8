import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Where sandboxes keep their state: `.sandbox/run-<pid>/` per sandbox process (socket, function log, preview
 * credentials, `sandbox.json`), so two sandboxes never share a file, and a dead one is recognised by its pid.
 * IAS_SANDBOX_DIR moves the parent folder (tests use a temporary one).
 */
export const SANDBOX_ROOT = resolve(process.env.IAS_SANDBOX_DIR ?? join(__dirname, "../../../.sandbox"));

export interface RunInfo {
  pid: number;
  /** Started with --stay: up until Ctrl-C, the one `npm run invoke` talks to. */
  stay: boolean;
  socket: string;
  /** The function's log lines (JSON, one per line), appended as it writes them. */
  log: string;
  startedAt: string;
}

export const INFO_FILE = "sandbox.json";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function createRunDir(pid: number = process.pid): string {
  const dir = join(SANDBOX_ROOT, `run-${pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function writeRunInfo(dir: string, info: RunInfo): void {
  writeFileSync(join(dir, INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

function readRunInfo(dir: string): RunInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, INFO_FILE), "utf8")) as RunInfo;
  } catch {
    return undefined;
  }
}

export interface Survey {
  /** Sandboxes whose process is alive, newest first. */
  live: { dir: string; info: RunInfo }[];
  /** Folders of sandboxes that died without cleaning up; removed by the survey. */
  cleaned: string[];
}

/**
 * Looks at every run folder: a folder whose process is gone (or that never got as far as writing its info)
 * is removed, together with the single-folder layout of earlier versions; live ones are left alone.
 */
export function surveyRuns(self: number = process.pid): Survey {
  const live: Survey["live"] = [];
  const cleaned: string[] = [];
  if (!existsSync(SANDBOX_ROOT)) return { live, cleaned };
  for (const name of readdirSync(SANDBOX_ROOT)) {
    const dir = join(SANDBOX_ROOT, name);
    const pid = /^run-(\d+)$/.exec(name)?.[1];
    if (pid === undefined) {
      // Earlier versions kept fn.sock and sandbox.json directly in .sandbox/.
      const legacy = name === INFO_FILE ? readRunInfo(SANDBOX_ROOT) : undefined;
      if ((name === INFO_FILE && !(legacy && isAlive(legacy.pid))) || name === "fn.sock" || name === "fn.sock.tmp") {
        rmSync(dir, { force: true });
        cleaned.push(dir);
      }
      continue;
    }
    if (Number(pid) === self) continue;
    const info = readRunInfo(dir);
    if (isAlive(Number(pid))) {
      if (info && existsSync(info.socket)) live.push({ dir, info });
      continue;
    }
    rmSync(dir, { recursive: true, force: true });
    cleaned.push(dir);
  }
  live.sort((a, b) => b.info.startedAt.localeCompare(a.info.startedAt));
  return { live, cleaned };
}
