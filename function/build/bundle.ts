import { build } from "esbuild";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { startCacheWarmup } from "./cache-warmup";
import { CACHED_NODE_OPTIONS } from "../../infra/config/heap-flags";
import { codeCacheName } from "./code-cache-name";
import { appEntrySource, type ModuleFormat, ROLE_CHUNKS, roleChunkImports, sharedFromApp } from "./role-chunks";

/** Where the function image's files are assembled: func.js (launcher), app.js and the role chunks (the function), their V8 code caches, func.yaml, package.json. */
export const DIST_DIR = resolve(__dirname, "../../dist/function");

const shim = (name: string) => resolve(__dirname, "shims", name);

/**
 * How every bundle of ours is built: minified CommonJS for the image's Node 22, nothing left external.
 * Polyfills the OCI SDK pulls in for runtimes without fetch or Promise are replaced by the built-ins (the
 * function never runs on such a runtime), which keeps ~300 KiB that never executes out of the image; so is
 * pino's worker-thread transport (the function logs synchronously to stdout), and so are sshpk's helpers for
 * key types other than RSA (the only kind the function signs with).
 */
export const BUNDLE_OPTIONS = {
  bundle: true,
  minify: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  alias: {
    "isomorphic-fetch": shim("global-fetch.js"),
    "node-fetch": shim("global-fetch.js"),
    "es6-promise": shim("native-promise.js"),
    "thread-stream": shim("no-thread-stream.js"),
    tweetnacl: shim("unreached-crypto.js"),
    "ecc-jsbn/lib/ec": shim("unreached-crypto.js"),
    "ecc-jsbn": shim("unreached-crypto.js"),
    "bcrypt-pbkdf": shim("unreached-crypto.js"),
  },
} as const;

export interface BuiltBundle {
  /** func.js, the entrypoint (`node func.js`). */
  file: string;
  /** Every JavaScript byte the image ships: func.js + app.js + the role chunks. */
  bytes: number;
  /** The JavaScript files the image ships (names in the bundle directory). */
  scripts: string[];
  /** All V8 code caches together (one per loaded file and heap-flag set, see infra/config/heap-flags.ts), or 0 when no Node 22 was at hand. */
  cacheBytes: number;
  /** How many caches were built. */
  caches: number;
}

/** The Node 22 of the node@22 devDependency: the image's runtime, so the code cache is built for it. */
export const NODE22 = resolve(__dirname, "../../node_modules/node/bin/node");

const ROOT = resolve(__dirname, "../..");
const MAIN = resolve(__dirname, "../src/main.ts");

/**
 * Bundles an fdk function (function/src/main.ts unless told otherwise) and every dependency into minified
 * CommonJS files, so the image needs no node_modules: app.js (start-up and the provisioning role) and one
 * chunk per other role that the entry reaches (role-chunks.ts); func.js is the launcher that loads them
 * through the V8 code caches built here by starting the function under Node 22 (see launcher.ts).
 */
export async function bundleFunction(outDir: string = DIST_DIR, entry = MAIN): Promise<BuiltBundle> {
  // A chunk or cache left from an earlier build would ship in the image (infra copies the whole directory).
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "func.js");
  const common = { ...BUNDLE_OPTIONS, sourcemap: false, legalComments: "none", logLevel: "warning", absWorkingDir: ROOT } as const;
  const app = (shared: ReadonlyMap<string, ModuleFormat>, reached: Set<string>) => ({
    ...common,
    stdin: { contents: appEntrySource(ROOT, entry, shared), resolveDir: dirname(entry), sourcefile: "app-entry.ts", loader: "ts" as const },
    plugins: [roleChunkImports(reached)],
  });
  // First which modules app.js holds and which role chunks it reaches; then the chunks, taking those
  // modules from app.js; then app.js, exporting what the chunks take.
  const reached = new Set<string>();
  const probe = await build({ ...app(new Map(), reached), write: false, metafile: true });
  const appInputs = new Set(Object.keys(probe.metafile.inputs).map((p) => resolve(ROOT, p)));
  const used = new Set<string>();
  const chunks = ROLE_CHUNKS.filter((c) => reached.has(c.file));
  for (const chunk of chunks) {
    await build({ ...common, entryPoints: [chunk.source], outfile: join(outDir, chunk.file), plugins: [sharedFromApp(ROOT, appInputs, used)] });
  }
  const shared = new Map([...used].map((key) => [key, probe.metafile.inputs[key]?.format] as const));
  await build({ ...app(shared, new Set()), outfile: join(outDir, "app.js") });
  await build({ ...common, entryPoints: [resolve(__dirname, "launcher.ts")], outfile: file });
  for (const name of ["func.yaml", "package.json"]) {
    copyFileSync(resolve(__dirname, name), join(outDir, name));
  }
  const scripts = ["func.js", "app.js", ...chunks.map((c) => c.file)];
  // app.js's caches come from a provisioning run, each chunk's from a run of its role.
  const loaded = [{ script: "app.js", role: undefined }, ...chunks.map((c) => ({ script: c.file, role: c.role }))];
  const runs = loaded.flatMap((l) => CACHED_NODE_OPTIONS.map((nodeOptions) => ({ ...l, nodeOptions })));
  // Two cache builds at a time (each is a short-lived Node 22 process).
  if (existsSync(NODE22)) {
    for (let i = 0; i < runs.length; i += 2) await Promise.all(runs.slice(i, i + 2).map((r) => writeCodeCache(file, r)));
  }
  const caches = runs.map((r) => join(outDir, codeCacheName(r.script, r.nodeOptions))).filter((c) => existsSync(c));
  const size = (f: string) => statSync(f).size;
  return { file, bytes: scripts.reduce((n, s) => n + size(join(outDir, s)), 0), scripts, cacheBytes: caches.reduce((n, c) => n + size(c), 0), caches: caches.length };
}

/**
 * Starts func.js under Node 22 as the Functions service would, until its listener is up; feeds it the
 * warm-up events of cache-warmup.ts (the echo baseline gets them too, and answers them as it answers
 * anything), as `role` (provisioning when none); then has it write the cache of `script` for `nodeOptions`'
 * heap flags, which so holds what start-up and a first event compiled.
 */
async function writeCodeCache(file: string, { script, role, nodeOptions }: { script: string; role?: string; nodeOptions: string }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "code-cache-"));
  const socket = join(dir, "fn.sock");
  const warmup = await startCacheWarmup();
  try {
    const child = spawn(NODE22, [file], {
      env: {
        PATH: process.env.PATH ?? "",
        ...warmup.env,
        ...(role ? { FUNCTION_ROLE: role } : {}),
        NODE_OPTIONS: nodeOptions,
        WRITE_CODE_CACHE: script,
        FN_FORMAT: "http-stream",
        FN_LISTENER: `unix:${socket}`,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const started = Date.now();
    while (!existsSync(socket) && child.exitCode === null && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 10));
    if (existsSync(socket)) await warmup.run(socket);
    child.kill(existsSync(socket) ? "SIGUSR2" : "SIGKILL");
    const code = await exited;
    if (code !== 0) throw new Error(`building the code cache of ${script}: ${file} under ${NODE22} ended with ${code}\n${stderr}`);
  } finally {
    await warmup.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  bundleFunction().then(
    ({ file, bytes, scripts, cacheBytes, caches }) =>
      console.log(`bundled ${file} (${(bytes / 1024).toFixed(0)} KiB of JavaScript in ${scripts.join(", ")}; code caches ${(cacheBytes / 1024).toFixed(0)} KiB in ${caches})`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
