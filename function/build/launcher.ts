/**
 * func.js, the image's entrypoint: loads app.js (the bundled function) through a V8 code cache built for
 * the image's Node version and the heap flags in NODE_OPTIONS (code-cache-name.ts names the file), so a cold
 * container skips most of compiling the bundle. When
 * V8 rejects the cache (another Node or V8 version, other flags) or it is missing, app.js compiles as usual:
 * the cache only ever saves time. With WRITE_CODE_CACHE set (build time only), the cache is written on
 * SIGUSR2, after the process has started and served, so it holds the functions that ran by then.
 */
import { readFileSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";
import { codeCacheName } from "./code-cache-name";

const file = join(__dirname, "app.js");
// One cache per heap-flag set the stack deploys with (V8 rejects a cache made under other flags).
const cacheFile = join(__dirname, codeCacheName([process.env.NODE_OPTIONS ?? "", ...process.execArgv].join(" ")));

/** The compiled app.js; the cache buffer itself is dropped once V8 has taken what it needs from it. */
function compile(): Script {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache shipped: compile normally.
  }
  return new Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
}
const script = compile();
const app = new Module(file, module);
app.filename = file;
app.loaded = true;
(script.runInThisContext() as (...args: unknown[]) => void).call(app.exports, app.exports, require, app, file, __dirname);

if (process.env.WRITE_CODE_CACHE) {
  process.once("SIGUSR2", () => {
    writeFileSync(cacheFile, script.createCachedData());
    process.exit(0);
  });
}
