import { build } from "esbuild";
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startCacheWarmup } from "./cache-warmup";
import { CACHED_NODE_OPTIONS } from "../../infra/config/heap-flags";
import { codeCacheName } from "./code-cache-name";

/** Where the function image's files are assembled: func.js (launcher), app.js (the function), its V8 code cache, func.yaml, package.json. */
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
  /** Every JavaScript byte the image ships: func.js + app.js. */
  bytes: number;
  /** All V8 code caches together (one per heap-flag set, see infra/config/heap-flags.ts), or 0 when no Node 22 was at hand. */
  cacheBytes: number;
  /** How many caches were built. */
  caches: number;
}

/** The Node 22 of the node@22 devDependency: the image's runtime, so the code cache is built for it. */
export const NODE22 = resolve(__dirname, "../../node_modules/node/bin/node");

const MAIN = resolve(__dirname, "../src/main.ts");

/**
 * Bundles an fdk function (function/src/main.ts unless told otherwise) and every dependency into app.js,
 * one minified CommonJS file, so the image needs no node_modules; func.js is the launcher that loads it
 * through the V8 code cache built here by starting it once under Node 22 (see launcher.ts).
 */
export async function bundleFunction(outDir: string = DIST_DIR, entry = MAIN): Promise<BuiltBundle> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "func.js");
  const app = join(outDir, "app.js");
  const common = { ...BUNDLE_OPTIONS, sourcemap: false, legalComments: "none", logLevel: "warning" } as const;
  await build({ ...common, entryPoints: [entry], outfile: app });
  await build({ ...common, entryPoints: [resolve(__dirname, "launcher.ts")], outfile: file });
  for (const name of ["func.yaml", "package.json"]) {
    copyFileSync(resolve(__dirname, name), join(outDir, name));
  }
  const caches = CACHED_NODE_OPTIONS.map((o) => join(outDir, codeCacheName(o)));
  for (const cache of caches) rmSync(cache, { force: true });
  // One cache per heap-flag set, two builds at a time (each is a short-lived Node 22 process).
  if (existsSync(NODE22)) {
    for (let i = 0; i < CACHED_NODE_OPTIONS.length; i += 2) await Promise.all(CACHED_NODE_OPTIONS.slice(i, i + 2).map((o) => writeCodeCache(file, o)));
  }
  const cacheBytes = caches.reduce((n, c) => n + (existsSync(c) ? statSync(c).size : 0), 0);
  return { file, bytes: statSync(file).size + statSync(app).size, cacheBytes, caches: caches.filter((c) => existsSync(c)).length };
}

/**
 * Starts func.js under Node 22 as the Functions service would, until its listener is up; feeds it the
 * warm-up events of cache-warmup.ts (the echo baseline gets them too, and answers them as it answers
 * anything); then has it write the cache for `nodeOptions`' heap flags, which so holds what start-up and a
 * first event compiled.
 */
async function writeCodeCache(file: string, nodeOptions: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "code-cache-"));
  const socket = join(dir, "fn.sock");
  const warmup = await startCacheWarmup();
  try {
    const child = spawn(NODE22, [file], {
      env: { PATH: process.env.PATH ?? "", ...warmup.env, NODE_OPTIONS: nodeOptions, WRITE_CODE_CACHE: "1", FN_FORMAT: "http-stream", FN_LISTENER: `unix:${socket}` },
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    const started = Date.now();
    while (!existsSync(socket) && child.exitCode === null && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 10));
    if (existsSync(socket)) await warmup.run(socket);
    child.kill(existsSync(socket) ? "SIGUSR2" : "SIGKILL");
    const code = await exited;
    if (code !== 0) throw new Error(`building the code cache: ${file} under ${NODE22} ended with ${code}`);
  } finally {
    await warmup.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  bundleFunction().then(
    ({ file, bytes, cacheBytes, caches }) => console.log(`bundled ${file} (${(bytes / 1024).toFixed(0)} KiB of JavaScript, code cache ${(cacheBytes / 1024).toFixed(0)} KiB in ${caches})`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
