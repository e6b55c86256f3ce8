/**
 * func.js, the image's entrypoint: loads app.js (the bundled function) and, when the router first reaches
 * another role, that role's chunk (role-chunks.ts), each through a V8 code cache built for the image's Node
 * version and the heap flags in NODE_OPTIONS (code-cache-name.ts names the files), so a cold container skips
 * most of compiling what it runs. When V8 rejects a cache (another Node or V8 version, other flags) or it is
 * missing, the script compiles as usual: a cache only ever saves time. With WRITE_CODE_CACHE naming one of
 * the scripts (build time only), its cache is written on SIGUSR2, after the process has started and served,
 * so it holds the functions that ran by then.
 */
import { readFileSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";
import { codeCacheName } from "./code-cache-name";

// One cache per heap-flag set the stack deploys with (V8 rejects a cache made under other flags).
const nodeOptions = [process.env.NODE_OPTIONS ?? "", ...process.execArgv].join(" ");

interface Loaded {
  module: Module;
  script: Script;
}
const loaded = new Map<string, Loaded>();

/** The compiled script; the cache buffer itself is dropped once V8 has taken what it needs from it. */
function compile(file: string, name: string): Script {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(join(__dirname, codeCacheName(name, nodeOptions)));
  } catch {
    // No cache shipped: compile normally.
  }
  return new Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
}

/**
 * The bundle's own require: `./<name>` is one of the bundle's scripts beside func.js (a chunk asking for
 * app.js gets the instance already running), anything else is Node's (the bundles leave only built-ins).
 * It carries require's properties, which bundled packages read (`require.main`).
 */
const bundleRequire = Object.assign((id: string): unknown => (id.startsWith("./") ? load(id.slice(2)) : module.require(id)), {
  main: require.main,
  resolve: require.resolve,
  cache: require.cache,
});

function load(name: string): unknown {
  const known = loaded.get(name);
  if (known) return known.module.exports;
  const file = join(__dirname, name);
  const script = compile(file, name);
  const mod = new Module(file, module);
  mod.filename = file;
  loaded.set(name, { module: mod, script });
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, bundleRequire, mod, file, __dirname);
  mod.loaded = true;
  return mod.exports;
}

load("app.js");

const writeCache = process.env.WRITE_CODE_CACHE;
if (writeCache) {
  process.once("SIGUSR2", () => {
    const target = loaded.get(writeCache);
    if (!target) {
      console.error(`WRITE_CODE_CACHE: ${writeCache} was never loaded (loaded: ${[...loaded.keys()].join(", ")})`);
      process.exit(1);
    }
    writeFileSync(join(__dirname, codeCacheName(writeCache, nodeOptions)), target.script.createCachedData());
    process.exit(0);
  });
}
