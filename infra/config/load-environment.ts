import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { ZodIssue } from "zod";
import { environmentSchema, type Environment } from "./environment-schema";

export const ENVIRONMENTS_DIR = resolve(__dirname, "../environments");

/** A checked-in environment file that failed to parse; the message names the file and every bad key path. */
export class EnvironmentConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid environment config\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvironmentConfigError";
  }
}

export interface LoadedEnvironment {
  /** The file's base name without .json; it names the stack. */
  name: string;
  file: string;
  config: Environment;
}

const ENV_NAME = /^[a-z][a-z0-9-]{0,30}$/;

function keyPath(issue: ZodIssue): string {
  if (issue.path.length === 0) return "(root)";
  return issue.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** Keys earlier versions took, and why they are gone: named in the error instead of "unknown key". */
const REMOVED: Record<string, string> = {
  "provisioning.nameLookup": "was removed: the function always reads the event's user from the identity domain; delete the key",
};

function describe(issue: ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const removed = issue.keys.filter((k) => REMOVED[`${keyPath(issue)}.${k}`]);
    if (removed.length > 0) return removed.map((k) => `${keyPath(issue)}.${k} ${REMOVED[`${keyPath(issue)}.${k}`]}`).join("; ");
    return `${keyPath(issue)}: unknown key(s) ${issue.keys.join(", ")}`;
  }
  if (issue.code === "invalid_union") {
    // Report the branch that got furthest, not zod's generic "Invalid input".
    const deepest = issue.unionErrors
      .flatMap((e) => e.issues)
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (deepest) return describe(deepest);
  }
  return `${keyPath(issue)}: ${issue.message}`;
}

/** Parses one environment's JSON text; `file` is only used to name it in errors. */
export function parseEnvironment(file: string, text: string): LoadedEnvironment {
  const name = basename(file).replace(/\.json$/, "");
  if (!ENV_NAME.test(name)) {
    throw new EnvironmentConfigError(file, [`file name: "${name}" must be a lower-case stack name (a-z, 0-9, -)`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new EnvironmentConfigError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
  const parsed = environmentSchema.safeParse(raw);
  if (!parsed.success) throw new EnvironmentConfigError(file, parsed.error.issues.map(describe));
  return { name, file, config: parsed.data };
}

export function loadEnvironmentFile(file: string): LoadedEnvironment {
  return parseEnvironment(file, readFileSync(file, "utf8"));
}

/** Every broken environment file at once, so fixing one does not merely reveal the next. */
export class EnvironmentsError extends Error {
  constructor(readonly errors: EnvironmentConfigError[]) {
    super(errors.map((e) => e.message).join("\n"));
    this.name = "EnvironmentsError";
  }
}

/** The environment names a folder holds (file names without .json), sorted. */
export function environmentNames(dir: string = ENVIRONMENTS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

/**
 * Every infra/environments/*.json, sorted by name; or only `only` (the others are not even read, so a broken
 * file elsewhere cannot stop this one). Invalid files are reported together.
 */
export function loadAllEnvironments(dir: string = ENVIRONMENTS_DIR, only?: string): LoadedEnvironment[] {
  const names = environmentNames(dir);
  if (only !== undefined && !names.includes(only)) {
    throw new Error(`no environment "${only}" in ${dir}; known environments: ${names.join(", ") || "(none)"}`);
  }
  const loaded: LoadedEnvironment[] = [];
  const errors: EnvironmentConfigError[] = [];
  for (const name of only === undefined ? names : [only]) {
    try {
      loaded.push(loadEnvironmentFile(join(dir, `${name}.json`)));
    } catch (err) {
      if (!(err instanceof EnvironmentConfigError)) throw err;
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new EnvironmentsError(errors);
  return loaded;
}
