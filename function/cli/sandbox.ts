/**
 * `npm start`: the whole product on this machine, no cloud account and no Docker. Builds the bundle, starts
 * the loopback ORDS database and OCI APIs, runs the bundled function under the fdk listener, replays the story
 * in examples/sandbox-story.json showing what each event changed in the database, then synthesizes the
 * infrastructure of every environment. `--stay` keeps the sandbox up for `npm run invoke -- <event.json>` and
 * for templates:preview. Its state lives in .sandbox/run-<pid>/ and goes with it (Ctrl-C, SIGTERM, SIGHUP);
 * function processes end by themselves when the sandbox is killed outright.
 */
import Table from "cli-table3";
import { Command } from "commander";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleFunction } from "../build/bundle";
import { replyBody } from "../../test/support/fdk-harness";
import { exampleEvent, startLocalStack, type LocalStack } from "../../test/support/local-stack";
import { coloursFor, tableStyle } from "./lib/colour";
import { diff, snapshot } from "./sandbox/accounts";
import { accessGovernanceChapter, reconcileChapter } from "./sandbox/chapters";
import { startPreviewTargets } from "./sandbox/preview-targets";
import { createRunDir, surveyRuns, writeRunInfo } from "./sandbox/run-dir";
import { synthesizeAllAsync } from "./sandbox/synth-summary";

export const ROOT = resolve(__dirname, "../..");

/** What changes in IAM before the chapter's event fires (the function reads IAM; the event only names the user). */
/** Memberships are written [user OCID, group OCID]. */
type IamChange = { addMember: [string, string] } | { removeMember: [string, string] } | { deactivate: string } | { deleteUser: string };

interface Chapter {
  iam?: IamChange[];
  event: string;
  say: string;
}

function applyIam(identity: LocalStack["oci"]["identity"], changes: readonly IamChange[]): void {
  for (const c of changes) {
    if ("addMember" in c) identity.addMember(c.addMember[1], c.addMember[0]);
    else if ("removeMember" in c) identity.removeMember(c.removeMember[1], c.removeMember[0]);
    else if ("deactivate" in c) {
      const u = identity.users.get(c.deactivate);
      if (u) u.active = false;
    } else identity.deleteUser(c.deleteUser);
  }
}

const pc = coloursFor(process.stdout);
const style = tableStyle(pc);

const OUTCOME_COLOUR: Record<string, (s: string) => string> = {
  applied: pc.green,
  unchanged: pc.dim,
  ignored: pc.yellow,
  invalid: pc.red,
  refused: pc.red,
  failed: pc.red,
};

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

function printChanges(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>): void {
  const changes = diff(before, after);
  if (changes.length === 0) return;
  const t = new Table({ head: ["account", "change", "detail"], style });
  for (const c of changes) t.push([c.account, c.change, c.detail]);
  console.log(t.toString().replace(/^/gm, "    "));
}

async function main(opts: { stay: boolean; synth: boolean }): Promise<void> {
  const t0 = Date.now();
  const { cleaned, live } = surveyRuns();
  const dir = createRunDir();
  const logFile = join(dir, "function.log");
  const abort = new AbortController();
  const up: { stack?: LocalStack } = {};
  const closers: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      abort.abort();
      for (const close of closers.reverse()) await close().catch(() => undefined);
      await up.stack?.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    })());
  // A crash still removes the folder; the function processes notice the sandbox is gone by themselves.
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  let released: (() => void) | undefined;
  for (const [signal, n] of Object.entries(SIGNALS)) {
    // `on`, not `once`: npm and tsx pass a Ctrl-C on too, and a second signal must not kill the sandbox mid-cleanup.
    process.on(signal, () => {
      if (released) return released();
      void stop().finally(() => process.exit(128 + n));
    });
  }

  const { bytes } = await bundleFunction();
  console.log(pc.bold("iam-adb-sync sandbox") + pc.dim(`  (bundle ${(bytes / 1024).toFixed(0)} KiB, loopback ORDS + OCI, fdk socket)`));
  if (cleaned.length > 0) console.log(pc.dim(`removed the state of ${cleaned.length} sandbox${cleaned.length === 1 ? "" : "es"} that had died`));
  for (const other of live) console.log(pc.dim(`another sandbox is running (pid ${other.info.pid}${other.info.stay ? ", --stay" : ""}); this one runs beside it`));
  const stack = (up.stack = await startLocalStack({ socketDir: dir, onOutput: (chunk) => appendFileSync(logFile, chunk) }));
  writeRunInfo(dir, { pid: process.pid, stay: opts.stay, socket: stack.fn.socket, log: logFile, startedAt: new Date().toISOString() });
  const story = JSON.parse(readFileSync(join(ROOT, "examples/sandbox-story.json"), "utf8")) as Chapter[];
  const tally: Record<string, number> = {};
  let unexpected = 0;
  try {
    console.log(pc.dim(`mapping: ${stack.config.GROUP_ROLE_MAP}   delete policy: lock   account auth: IAM`));
    for (const [i, chapter] of story.entries()) {
      const before = snapshot(stack.ords.db);
      applyIam(stack.oci.identity, chapter.iam ?? []);
      const reply = await stack.send(exampleEvent(chapter.event));
      const body = replyBody(reply);
      const outcome = String(body.outcome ?? "failed");
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      const colour = OUTCOME_COLOUR[outcome] ?? pc.red;
      console.log(`\n${pc.bold(`${i + 1}/${story.length}`)} ${chapter.say}`);
      const why = body.reason ?? body.message ?? "";
      console.log(`    ${colour(outcome.padEnd(9))} ${pc.dim(String(why))}`);
      printChanges(before, snapshot(stack.ords.db));
      if (outcome === "failed") unexpected++;
    }

    // What a DBA looks for first in a deployment's log: the roles it may grant, each refused one, the registry.
    const startCheck = readFileSync(logFile, "utf8").split("\n").find((l) => l.includes('"check":"start"'));
    if (startCheck) console.log(`\n${pc.bold("Start check")} (logged once, before the function's first database call)\n    ${(JSON.parse(startCheck) as { msg: string }).msg}`);

    console.log(`\n${pc.bold("Reconcile")} (the FUNCTION_ROLE=reconcile deployment, invoked by a schedule with an empty body)`);
    let beforeReconcile = snapshot(stack.ords.db);
    const rec = await reconcileChapter(stack, () => (beforeReconcile = snapshot(stack.ords.db)));
    for (const line of rec.says) console.log(pc.dim(`    drift: ${line}`));
    const recOutcome = String(rec.reply.outcome ?? "failed");
    console.log(`    ${(OUTCOME_COLOUR[recOutcome] ?? pc.red)(recOutcome.padEnd(9))} ${pc.dim(`${rec.reply.accountsToChange ?? "?"} accounts to change, ${rec.reply.unchanged ?? "?"} unchanged`)}`);
    printChanges(beforeReconcile, snapshot(stack.ords.db));
    if (recOutcome !== "applied") unexpected++;

    const ag = await accessGovernanceChapter(stack);
    const auth = (ag.headers as { name: string; value: string }[] | undefined)?.find((h) => h.name.toLowerCase() === "authorization");
    console.log(`\n${pc.bold("Access Governance")} (grc-request-template for AutonomousDB / DatabaseAccount / SEARCH)`);
    if (ag.error) {
      console.log(pc.red(`    ${ag.error}: ${ag.message}`));
      unexpected++;
    } else {
      console.log(`    ${ag.method} ${ag.uri?.scheme}://${ag.uri?.host}${ag.uri?.path}  paging ${ag.paginationType ?? "none"}  Authorization ${auth ? `${auth.value.split(" ")[0]} ********` : pc.red("missing")}`);
    }

    const accounts = new Table({ head: ["database account", "managed", "status", "grants", "objects"], style });
    for (const [name, a] of snapshot(stack.ords.db)) accounts.push([name, a.managed ? "yes" : pc.dim("no"), a.status, a.grants.join(", "), String(a.objects)]);
    console.log(`\n${pc.bold("Database at the end")}\n${accounts.toString()}`);
    const audits = stack.oci.objects.list("iam-adb-sync-audit").length;
    console.log(pc.dim(`audit records written to Object Storage: ${audits}; ORDS calls: ${stack.ords.stats.sqlRequests}; tokens: ${stack.ords.stats.tokenRequests}`));

    if (opts.synth) {
      const out = mkdtempSync(join(tmpdir(), "iam-adb-sync-synth-"));
      try {
        const stacks = await synthesizeAllAsync(ROOT, out, abort.signal);
        const t = new Table({ head: ["stack", "resources", "outputs", "largest parts"], style });
        for (const s of stacks) {
          const top = Object.entries(s.byType).sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k.replace(/^oci_/, "")} ×${v}`);
          t.push([s.stack, String(s.resources), String(s.outputs), top.join(", ")]);
        }
        console.log(`\n${pc.bold("Infrastructure (cdktf synth, every environment)")}\n${t.toString()}`);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    const summary = Object.entries(tally).map(([k, v]) => `${v} ${k}`).join(", ");
    const verdict = unexpected === 0 ? pc.green("✔ sandbox OK") : pc.red(`✘ ${unexpected} steps failed`);
    console.log(`\n${verdict}: ${story.length} events (${summary}), a reconcile run and an Access Governance template, in ${seconds}s`);
    if (unexpected > 0) process.exitCode = 1;
    if (opts.stay) {
      const preview = await startPreviewTargets(stack, dir, process.cwd());
      closers.push(preview.close);
      console.log(`\n${pc.bold("Template authoring")} (credentials: ${preview.envFile}, loopback test values only)`);
      for (const c of preview.commands) console.log(`    ${c.set.padEnd(8)} ${c.command}\n    ${"".padEnd(8)} ${pc.dim(`credentials: ${c.credentials}`)}`);
      const waiting = new Promise<void>((done) => (released = done));
      console.log(pc.bold(`\nSandbox is up (pid ${process.pid}). Send events with: npm run invoke -- examples/events/createuser.json   (Ctrl-C stops)`));
      await waiting;
    } else {
      console.log(pc.dim("`npm start -- --stay` keeps the sandbox up for npm run invoke and prints a ready templates:preview command per template set."));
    }
  } finally {
    await stop();
  }
}

new Command("sandbox")
  .description("Run iam-adb-sync end to end on loopback servers")
  .option("--stay", "keep the sandbox running for npm run invoke and templates:preview", false)
  .option("--no-synth", "skip synthesizing the infrastructure")
  .action((opts: { stay: boolean; synth: boolean }) =>
    main(opts).catch((err: unknown) => {
      console.error(pc.red(`sandbox failed: ${(err as Error).message}`));
      process.exitCode = 1;
    }),
  )
  .parse();
