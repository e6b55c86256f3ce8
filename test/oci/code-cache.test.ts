import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIST_DIR, NODE22 } from "../../function/build/bundle";
import { codeCacheName } from "../../function/build/code-cache-name";
import { CACHED_NODE_OPTIONS, FUNCTION_MEMORY_MB, nodeOptionsFor } from "../../infra/config/heap-flags";
import { startFunction } from "../support/fdk-harness";

/**
 * The V8 code caches the bundle ships (dist/function is built by jest's global setup): one per script the
 * launcher loads (app.js and each role chunk) and heap-flag set the stack deploys, each accepted by the
 * image's Node 22 under exactly those flags, and a function whose cache is missing or damaged still starts
 * and answers.
 */
const SCRIPTS = ["app.js", "reconcile.js", "governance.js"];

/** Whether Node 22, started with `nodeOptions`, accepts `cache` for `script` (as the launcher compiles it). */
function accepted(script: string, cache: string, nodeOptions: string): boolean {
  const file = JSON.stringify(join(DIST_DIR, script));
  const check = `const fs=require("fs"),vm=require("vm"),M=require("module");const s=new vm.Script(M.wrap(fs.readFileSync(${file},"utf8")),{filename:${file},cachedData:fs.readFileSync(${JSON.stringify(cache)})});process.stdout.write(String(!s.cachedDataRejected))`;
  return execFileSync(NODE22, ["-e", check], { env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: nodeOptions }, encoding: "utf8" }) === "true";
}

describe("V8 code caches", () => {
  it("name one cache per script and deployed shape's heap flags, plus one per script for none", () => {
    expect(codeCacheName("app.js", "")).toBe("app.js.v8cache");
    expect(codeCacheName("app.js", nodeOptionsFor(128))).toBe("app.js.old64-semi1.v8cache");
    expect(codeCacheName("reconcile.js", "--require x.cjs --max-semi-space-size=4 --max-old-space-size=512")).toBe("reconcile.js.old512-semi4.v8cache");
    expect(CACHED_NODE_OPTIONS).toEqual(["", ...FUNCTION_MEMORY_MB.map(nodeOptionsFor)]);
  });

  it.each(SCRIPTS.flatMap((script) => CACHED_NODE_OPTIONS.map((o) => [script, o || "(none)", o])))("Node 22 accepts the cache of %s built for NODE_OPTIONS %s, and only under those flags", (script, _, o) => {
    const cache = join(DIST_DIR, codeCacheName(script, o));
    expect(existsSync(cache)).toBe(true);
    expect(accepted(script, cache, o)).toBe(true);
    // Another heap size is another V8 flag hash: why one cache per shape is needed.
    expect(accepted(script, cache, `${o} --max-old-space-size=77`.trim())).toBe(false);
  });

  it("a function whose caches are damaged or missing compiles its scripts itself and answers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "code-cache-"));
    const previous = process.env.FUNCTION_NODE;
    process.env.FUNCTION_NODE = NODE22;
    try {
      cpSync(DIST_DIR, dir, { recursive: true });
      for (const script of SCRIPTS) {
        writeFileSync(join(dir, codeCacheName(script, nodeOptionsFor(128))), "not a code cache");
        rmSync(join(dir, codeCacheName(script, "")));
      }
      // Each role loads its chunk and answers (unconfigured: its config error, from the chunk's code).
      const roles = { "no-such-role": "unknown_function_role", reconcile: "config ORDS_URL: is required", "ag-schema": "config AG_SYSTEMS: is required" };
      for (const config of [{ NODE_OPTIONS: nodeOptionsFor(128) }, {}] as Record<string, string>[]) {
        for (const [role, answer] of Object.entries(roles)) {
          const fn = await startFunction({ FUNCTION_ROLE: role, ...config }, { file: join(dir, "func.js") });
          try {
            const reply = await fn.invoke({});
            expect(reply.status).toBe(502);
            expect(reply.body).toContain(answer);
          } finally {
            await fn.stop();
          }
        }
      }
    } finally {
      if (previous === undefined) delete process.env.FUNCTION_NODE;
      else process.env.FUNCTION_NODE = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
