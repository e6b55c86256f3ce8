import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LATEST_FILE, readmeFiguresBlock, renderFiguresBlock } from "../../bench/readme-figures";
import { isAlive as alive } from "../../function/cli/sandbox/run-dir";
import { ROOT } from "../support/paths";
import { commandBlocks, sampleMismatch } from "./blocks";

/**
 * The README as a newcomer follows it: every block marked runnable runs in a fresh clone of this checkout
 * (HEAD plus uncommitted changes, node_modules and the generated bindings linked), and its output must still
 * match the sample the README shows.
 */

const README = readFileSync(join(ROOT, "README.md"), "utf8");

function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), "iam-adb-sync-readme-"));
  const git = (args: string[], cwd = ROOT, input?: Buffer) => {
    const r = spawnSync("git", args, { cwd, input, maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
    return r.stdout;
  };
  git(["clone", "--quiet", "--no-hardlinks", ROOT, dir]);
  const changes = git(["diff", "HEAD", "--binary"]);
  if (changes.length > 0) git(["apply", "--whitespace=nowarn"], dir, changes);
  for (const f of git(["ls-files", "--others", "--exclude-standard", "-z"]).toString().split("\0").filter(Boolean)) {
    cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  }
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  symlinkSync(join(ROOT, "infra/.gen"), join(dir, "infra/.gen"), "dir");
  return dir;
}

// Quiet, as in a log: no npm banner, no colour, no cdktf phone-home; PATH keeps the node that runs jest first.
const ENV = { ...process.env, NO_COLOR: "1", npm_config_loglevel: "silent", CHECKPOINT_DISABLE: "1", PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` };
for (const k of ["IAS_SANDBOX_DIR", "FORCE_COLOR"]) delete (ENV as Record<string, string | undefined>)[k];

function run(command: string, cwd: string): { status: number | null; out: string } {
  const r = spawnSync("bash", ["-c", command], { cwd, env: ENV, encoding: "utf8", timeout: 180_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("README", () => {
  const blocks = commandBlocks(README);
  let clone = "";
  let stay: ChildProcess | undefined;
  let stayOut = "";
  beforeAll(() => {
    clone = freshClone();
  }, 120_000);
  afterAll(async () => {
    // A process killed by a signal has a null exitCode and will not emit "exit" again: it is gone.
    if (stay && stay.exitCode === null && stay.signalCode === null) {
      const gone = new Promise((r) => stay?.once("exit", r));
      try {
        process.kill(-(stay.pid as number), "SIGTERM");
        await gone;
      } catch {
        // already gone
      }
    }
    rmSync(clone, { recursive: true, force: true });
  });

  it("marks the sandbox, invoke, preview, reconcile, lint, synth and infra:check as runnable", () => {
    const all = blocks.flatMap((b) => b.commands).join("\n");
    for (const c of ["npm start -- --stay", "npm run invoke", "npm run templates:preview", "npm run reconcile -- --env sandbox", "npm run templates:lint", "npm run synth", "npm run infra:check"]) {
      expect(all).toContain(c);
    }
  });

  it("runs every marked block in a fresh clone and its output matches the sample shown", async () => {
    for (const b of blocks) {
      if (b.kind === "stay") {
        expect(b.commands).toHaveLength(1);
        // Its own process group, so the test can stop npm, tsx and the sandbox together.
        stay = spawn("bash", ["-c", `exec ${b.commands[0]}`], { cwd: clone, env: ENV, stdio: ["ignore", "pipe", "pipe"], detached: true });
        stay.stdout?.on("data", (d: Buffer) => (stayOut += d.toString()));
        stay.stderr?.on("data", (d: Buffer) => (stayOut += d.toString()));
        const started = Date.now();
        while (!stayOut.includes("Sandbox is up") && stay.exitCode === null && Date.now() - started < 150_000) await new Promise((r) => setTimeout(r, 200));
        expect({ block: `README line ${b.line}`, up: stayOut.includes("Sandbox is up"), out: stayOut.includes("Sandbox is up") ? "" : stayOut }).toEqual({ block: `README line ${b.line}`, up: true, out: "" });
        if (b.sample) expect({ block: `README line ${b.line}`, mismatch: sampleMismatch(b.sample, stayOut) }).toEqual({ block: `README line ${b.line}`, mismatch: undefined });
        continue;
      }
      let out = "";
      for (const command of b.commands) {
        const r = run(command, clone);
        expect({ command, status: r.status, out: r.status === 0 ? "" : r.out }).toEqual({ command, status: 0, out: "" });
        out += r.out;
      }
      if (b.sample) expect({ block: `README line ${b.line}`, mismatch: sampleMismatch(b.sample, out) }).toEqual({ block: `README line ${b.line}`, mismatch: undefined });
    }
  }, 600_000);

  it("the stay sandbox cleans up after itself on SIGTERM, and invoke then says no sandbox is running", async () => {
    expect(stay?.pid).toBeDefined();
    const gone = new Promise((r) => stay?.once("exit", r));
    process.kill(-(stay?.pid as number), "SIGTERM");
    await gone;
    // npm exits at once; the sandbox itself (a grandchild) stops its servers and functions first.
    const sandboxDir = join(clone, ".sandbox");
    const runs = () => (existsSync(sandboxDir) ? readdirSync(sandboxDir) : []);
    const pids = runs().map((d) => Number(d.replace("run-", "")));
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    expect(runs()).toEqual([]);
    const r = run("npm run invoke -- examples/events/createuser.json", clone);
    expect(r.status).toBe(2);
    expect(r.out.trim()).toBe("invoke: no sandbox is running: start one with `npm start -- --stay` (in another terminal)");
  }, 60_000);

  it.each(readdirSync(join(ROOT, "infra/environments")).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")))(
    "npm run reconcile -- --env %s works or says in one line what it needs",
    (name) => {
      const r = run(`npm run reconcile -- --env ${name} --dry-run`, clone);
      if (r.status !== 0) {
        expect(r.out.trim().split("\n")).toHaveLength(1);
        expect(r.out).toMatch(/^reconcile: .*(--ords-url|--ords-secret|OCI config profile)/);
        expect(r.out).not.toMatch(/\n\s+at /);
      }
    },
    60_000,
  );

  it("quotes benchmark figures only from the block npm run bench generated from its last full report", () => {
    const block = readmeFiguresBlock(README);
    expect(block).toBeDefined();
    expect(block).toBe(renderFiguresBlock(readFileSync(LATEST_FILE, "utf8")));
  });
});
