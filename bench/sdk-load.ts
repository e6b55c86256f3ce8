/**
 * Cold-start cost of the OCI SDK, printed as a Markdown table (measures, asserts nothing; run with
 * `npm run bench:sdk-load`). Each figure is the median of several fresh node processes:
 * 1. `require` of each SDK package from node_modules;
 * 2. loading an esbuild bundle of the OCI leaf modules as written (SDK imported lazily), against a bundle
 *    that imports the same SDK packages eagerly: the difference is what lazy loading saves at cold start.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { BUNDLE_OPTIONS } from "../function/build/bundle";

const ROOT = resolve(__dirname, "..");
const RUNS = Number(process.env.RUNS ?? 7);
const SDK = ["oci-common", "oci-secrets"];

/** Milliseconds to require `target` in a fresh process (median of RUNS). */
function requireMs(target: string): number {
  const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(target)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const times = Array.from({ length: RUNS }, () => Number(execFileSync(process.execPath, ["-e", probe], { cwd: ROOT, encoding: "utf8" })));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function bundle(dir: string, name: string, source: string): string {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, source);
  const outfile = join(dir, `${name}.js`);
  buildSync({ entryPoints: [entry], outfile, ...BUNDLE_OPTIONS, logLevel: "error", nodePaths: [join(ROOT, "node_modules")] });
  return outfile;
}

const rows: Array<[string, string]> = SDK.map((m) => [`require("${m}")`, requireMs(m).toFixed(1)]);

const dir = mkdtempSync(join(tmpdir(), "sdk-load-"));
try {
  const leaf = ["secrets", "audit", "identity"].map((m) => `export * from ${JSON.stringify(join(ROOT, "function/src", m))};`).join("\n");
  const lazy = bundle(dir, "lazy", leaf);
  const eager = bundle(dir, "eager", `${SDK.slice(1).map((m) => `import ${JSON.stringify(m)};`).join("\n")}\n${leaf}`);
  rows.push(["bundle of secrets+audit+identity, SDK lazy (as shipped)", requireMs(lazy).toFixed(1)]);
  rows.push(["same bundle with the SDK imported eagerly", requireMs(eager).toFixed(1)]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`| load (fresh node ${process.version}, median of ${RUNS}) | ms |\n| --- | ---: |`);
for (const [what, ms] of rows) console.log(`| ${what} | ${ms} |`);
