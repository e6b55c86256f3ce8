import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";

/** A mistake the user can fix (a missing file, a bad flag): reported as one line, never with a stack trace. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  EISDIR: "is a directory, not a file",
  ENOTDIR: "a part of the path is not a folder",
};

/** Reads a text file the user named, or throws a CliError naming it and why it cannot be read. */
export function readUserFile(path: string, what = "file"): string {
  const full = resolve(path);
  try {
    return readFileSync(full, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    throw new CliError(`cannot read ${what} ${relative(process.cwd(), full) || path}: ${REASONS[code] ?? code ?? String(err)}`);
  }
}

/** The one line a CLI prints for a failure; the stack only for an unexpected error and only with IAS_DEBUG set. */
export function reportFailure(cli: string, err: unknown): number {
  const e = err instanceof Error ? err : new Error(String(err));
  console.error(`${cli}: ${e.message}`);
  if (!(e instanceof CliError) && process.env.IAS_DEBUG) console.error(e.stack);
  return e instanceof CliError ? e.exitCode : 1;
}

/** `cli | head` closes the pipe early: stop writing quietly instead of dying with an EPIPE stack trace. */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
}
