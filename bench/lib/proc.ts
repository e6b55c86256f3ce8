import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Peak resident set size (VmHWM) of a live process, in bytes. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!m) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/**
 * The pid of this process's child whose command line mentions `file`: the test harness starts the function
 * without handing out its pid, and /proc is where Linux answers that.
 */
export function childPid(file: string): number {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of stat is the parent pid; the command name before it may contain spaces, so split after ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(file)) found.push(Number(entry));
    } catch {
      // The process ended while we looked: it is not the one we want.
    }
  }
  if (found.length !== 1) throw new Error(`expected one child process running ${file}, found ${found.length}`);
  return found[0];
}

/**
 * The machine's own node: the one that started npm. Inside npm scripts node_modules/.bin/node (the node@22
 * devDependency) comes first on PATH, so process.execPath may be Node 22 even on a Node 20 machine.
 */
export const MACHINE_NODE = process.env.npm_node_execpath || process.execPath;

export function nodeVersion(node: string): string {
  return execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
}
