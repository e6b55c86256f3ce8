import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../support/paths";

export const FIXTURE_TEMPLATES = join(__dirname, "fixtures", "templates");
export const REAL_TEMPLATES = join(ROOT, "templates");

/** A scratch copy of a templates tree; `edit` changes one JSON file in it. */
export interface ScratchTree {
  root: string;
  edit(rel: string, change: (json: Record<string, unknown>) => unknown): void;
  write(rel: string, text: string): void;
  remove(rel: string): void;
  dispose(): void;
}

export function scratchCopy(from: string = FIXTURE_TEMPLATES): ScratchTree {
  const root = mkdtempSync(join(tmpdir(), "templates-"));
  cpSync(from, root, { recursive: true });
  return {
    root,
    edit(rel, change) {
      const file = join(root, rel);
      const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
      const changed = change(json);
      writeFileSync(file, JSON.stringify(changed ?? json, null, 2));
    },
    write(rel, text) {
      writeFileSync(join(root, rel), text);
    },
    remove(rel) {
      rmSync(join(root, rel), { recursive: true });
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one of the CLIs the way an author does (`npx tsx function/cli/<name>.ts …`), without blocking the loop. */
export function runCli(name: "templates-lint" | "templates-preview", args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      "npx",
      ["tsx", join("function", "cli", `${name}.ts`), ...args],
      { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Table rows of a cli-table3 rendering: cells trimmed, border lines dropped. */
export function tableRows(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("│"))
    .map((l) => l.split("│").slice(1, -1).map((c) => c.trim()));
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
