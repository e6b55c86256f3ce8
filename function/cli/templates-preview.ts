import { resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import cliProgress from "cli-progress";
import type { RunProgress } from "./templates/connector-run";
import { PREVIEW_OPERATIONS, runPreview, type PreviewOperation } from "./templates/preview";
import { authorizationFrom, resolveTarget, systemsEnvironment } from "./templates/preview-target";
import { fitRecordsTable } from "./templates/records-table";
import { quietOnClosedPipe } from "./lib/cli-error";

quietOnClosedPipe();
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * `npm run templates:preview -- --system <name> --entity <E> --op <OPERATION> [--id …] [--target <url>]
 * [--token …|--basic user:pass] [--limit n] [--strict] [--send]`: runs a request template against a target
 * and prints the mapped records as a table (stdout); progress and the summary go to stderr. Write
 * operations print the rendered request and are sent only with --send.
 */

const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} must be a positive integer`);
  return n;
};

type Attributes = Record<string, string[] | Record<string, string[]>>;

/** `name=value`, or `child.sub=value` for child data (attributes.get('groups').get('uid')); repeatable. */
const attrPair = (v: string, acc: Attributes): Attributes => {
  const eq = v.indexOf("=");
  if (eq < 1) throw new InvalidArgumentError("--attr takes name=value or child.attribute=value");
  const [name, sub, ...more] = v.slice(0, eq).split(".");
  const value = v.slice(eq + 1);
  if (more.length > 0 || sub === "") throw new InvalidArgumentError("--attr takes name=value or child.attribute=value");
  const held = acc[name];
  if (sub === undefined) {
    if (held !== undefined && !Array.isArray(held)) throw new InvalidArgumentError(`--attr ${name} is given both as a value and as child data`);
    return { ...acc, [name]: [...(held ?? []), value] };
  }
  if (Array.isArray(held)) throw new InvalidArgumentError(`--attr ${name} is given both as a value and as child data`);
  return { ...acc, [name]: { ...held, [sub]: [...(held?.[sub] ?? []), value] } };
};

interface Options {
  system?: string;
  app?: string;
  entity: string;
  op: PreviewOperation;
  child?: string;
  strict?: boolean;
  send?: boolean;
  id?: string;
  attr: Attributes;
  target?: string;
  token?: string;
  basic?: string;
  env?: string;
  root: string;
  limit?: number;
  pageSize: number;
  maxPages: number;
  timeout: number;
  width: number;
  maxWidth: number;
  json?: boolean;
  verbose?: boolean;
}

/** A live line on a terminal; one line per page otherwise (logs, CI). */
function progressLine(): { update: (p: RunProgress) => void; stop: () => void } {
  const text = (p: RunProgress) => `page ${p.page} · ${plural(p.records, "record")} · ${plural(p.requests, "request")}`;
  if (!process.stderr.isTTY) return { update: (p) => console.error(text(p)), stop: () => undefined };
  const bar = new cliProgress.SingleBar({ format: "{text}", stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.legacy);
  bar.start(0, 0, { text: "first page…" });
  return { update: (p) => bar.update(p.records, { text: text(p) }), stop: () => bar.stop() };
}

const program = new Command()
  .name("templates-preview")
  .description("Run an Access Governance template against a target and show the mapped records (write operations: the rendered request)")
  .option("--system <name>", "connected system from AG_SYSTEMS (case-insensitive)")
  .option("--app <application>", "template application folder (default: the system's application)")
  .requiredOption("--entity <name>", "entity (schema template name)")
  .addOption(new Option("--op <operation>", "operation").choices(PREVIEW_OPERATIONS).makeOptionMandatory())
  .option("--id <uid>", "the record's uid (attributes.get('uid'))")
  .option("--child <attribute>", "ADD_CHILD_DATA/REMOVE_CHILD_DATA: the multivalued attribute (contextData)")
  .option("--strict", "refuse what Oracle's emulator would evaluate silently (a <JP> without a document, a failing <EL>, a missing value, unencoded URL text)")
  .option("--send", "write operations: send the rendered request (default: only show it)")
  .option("--attr <name=value>", "a value for attributes.get(name), or child.attribute=value for child data (repeatable)", attrPair, {})
  .option("--target <url>", "scheme://host[:port][/base/path], overriding the system's")
  .option("--token <token>", "bearer token (or env:VAR)")
  .option("--basic <user:password>", "basic credentials (or env:VAR)")
  .option("--env <file>", "KEY=VALUE file with AG_SYSTEMS")
  .option("--root <dir>", "templates folder", "templates")
  .option("--limit <n>", "stop after n records", positiveInt("--limit"))
  .option("--page-size <n>", "page size bound to limit/pageSize", positiveInt("--page-size"), 25)
  .option("--max-pages <n>", "fail beyond this many pages", positiveInt("--max-pages"), 1000)
  .option("--timeout <ms>", "per-request timeout", positiveInt("--timeout"), 30000)
  .option("--width <n>", "widest table cell", positiveInt("--width"), 40)
  .option("--max-width <n>", "widest table (default: the terminal's width, 120 in a pipe)", positiveInt("--max-width"), process.stdout.columns || 120)
  .option("--json", "print records as JSON instead of a table")
  .option("--verbose", "list each request (method, URL without query, status) on stderr")
  .action(async (o: Options) => {
    const env = systemsEnvironment(o.env, process.env);
    const { app, target } = resolveTarget({ system: o.system, app: o.app, target: o.target, env });
    // env:NAME may name a variable of the --env file (the sandbox's preview.env) as well as of the environment.
    const authorization = authorizationFrom({ token: o.token, basic: o.basic }, o.env ? { ...process.env, ...env } : process.env);
    const progress = progressLine();
    let result;
    try {
      result = await runPreview({
        templatesRoot: resolve(o.root),
        app,
        entity: o.entity,
        operation: o.op,
        ...(o.id ? { id: o.id } : {}),
        ...(o.child ? { childAttribute: o.child } : {}),
        mode: o.strict ? "strict" : "emulator",
        send: o.send ?? false,
        attributes: o.attr,
        target,
        authorization,
        pageSize: o.pageSize,
        maxPages: o.maxPages,
        timeoutMs: o.timeout,
        ...(o.limit ? { limit: o.limit } : {}),
        onPage: progress.update,
        ...(o.verbose ? { onRequest: (what: string, status: number) => console.error(`${what} → ${status}`) } : {}),
      });
    } finally {
      progress.stop();
    }
    if (result.rendered) {
      const r = result.rendered;
      const shown = { method: r.method, url: r.url, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) };
      // With --send the records follow on stdout; the request then goes to stderr.
      (o.send ? console.error : console.log)(o.json ? JSON.stringify(shown, null, 2) : [`${r.method} ${r.url}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`), "", r.body ?? ""].join("\n"));
      if (!o.send) {
        console.error(`${o.op} rendered, not sent (--send sends it)`);
        return;
      }
    }
    const table = o.json ? undefined : fitRecordsTable(result.columns, result.records, { maxCellWidth: o.width, maxWidth: o.maxWidth });
    console.log(table ? table.text : JSON.stringify(result.records, null, 2));
    const masked = result.masked.length > 0 ? `; masked: ${result.masked.join(", ")}` : "";
    console.error(`${plural(result.records.length, "record")} from ${plural(result.pages, "page")} (${plural(result.requests, "request")})${masked}`);
    if (table?.clipped) console.error(`values cut to fit ${o.maxWidth} columns (…): --json shows them in full, --width/--max-width widen the table`);
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`templates-preview: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
