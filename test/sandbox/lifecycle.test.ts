import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isAlive as alive } from "../../function/cli/sandbox/run-dir";
import { ROOT } from "../support/paths";

/** A `--stay` sandbox in a scratch state folder: invoke's readable failure, then a SIGKILL leaves nothing running. */

const TSX = join(ROOT, "node_modules/tsx/dist/cli.mjs");

describe("sandbox lifecycle and invoke", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "ias-sandbox-"));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", IAS_SANDBOX_DIR: stateDir };
  delete env.FORCE_COLOR;
  const invoke = (file: string) => spawnSync(process.execPath, [TSX, "function/cli/invoke.ts", file], { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });
  // A failing expectation must not leave a --stay sandbox running (jest would never exit).
  let started: ChildProcess | undefined;
  afterAll(() => {
    if (started && started.exitCode === null && started.signalCode === null) started.kill("SIGKILL");
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("invoke unwraps a failure, shows the call's log lines; a killed sandbox takes its functions along and is cleaned as stale", async () => {
    expect(invoke("examples/events/createuser.json").stderr.trim()).toBe("invoke: no sandbox is running: start one with `npm start -- --stay` (in another terminal)");
    expect(invoke("examples/events/nope.json").stderr.trim()).toBe("invoke: cannot read event file examples/events/nope.json: no such file");

    // node directly (not tsx's wrapper), so SIGKILL hits the sandbox process itself.
    const sandbox = spawn(process.execPath, ["--import", "tsx", "function/cli/sandbox.ts", "--stay", "--no-synth"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    started = sandbox;
    let out = "";
    sandbox.stdout.on("data", (d: Buffer) => (out += d.toString()));
    sandbox.stderr.on("data", (d: Buffer) => (out += d.toString()));
    for (let i = 0; i < 600 && !out.includes("Sandbox is up") && sandbox.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain("Sandbox is up");

    const r = invoke("examples/events/hostile-name.json");
    expect(r.status).toBe(1);
    // A permanent refusal: 200 on the fdk socket (a retrying caller does not loop), Fn-Http-Status 400.
    expect(r.stdout).toMatch(/^status {3}200, function status 400$/m);
    expect(r.stdout).toMatch(/^outcome {2}invalid {2}\(the sandbox is up; the function answered with a failure\)/m);
    expect(r.stdout).toContain('"error": "invalid_event"');
    const reply = r.stdout.slice(r.stdout.indexOf("\nreply\n"), r.stdout.indexOf("\nfunction log"));
    expect(reply).toContain('"outcome": "invalid"');
    expect(reply).not.toContain("Exception in function");
    expect(r.stdout).toMatch(/^function log \(\d+ lines? for this call/m);
    expect(r.stdout).toMatch(/^ {2}\d\d:\d\d:\d\d\.\d{3} warn {2}event refused: .*callId=invoke-/m);

    const run = readdirSync(stateDir).find((d) => d.startsWith("run-"));
    expect(run).toBe(`run-${sandbox.pid}`);
    const fnPids = spawnSync("pgrep", ["-P", String(sandbox.pid)], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
    expect(fnPids.length).toBeGreaterThan(0);
    const gone = new Promise((r) => sandbox.once("exit", r));
    sandbox.kill("SIGKILL");
    await gone;
    for (let i = 0; i < 50 && fnPids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fnPids.filter(alive)).toEqual([]);

    const stale = invoke("examples/events/createuser.json");
    expect(stale.status).toBe(2);
    expect(stale.stderr).toMatch(/^invoke: stale sandbox \(cleaned\): its process had died; removed its state .*run-\d+; start one with/);
    expect(existsSync(join(stateDir, run as string))).toBe(false);
  }, 180_000);
});
