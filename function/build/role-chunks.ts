/**
 * How the bundle is split per role: app.js holds the fdk, the router and everything the provisioning role
 * runs; each other role's code is its own file, required only when the router first reaches that role, so a
 * provisioning function never reads or compiles reconcile or governance code (templates included), and the
 * governance roles never load reconcile code. A module a chunk shares with app.js is not bundled into the
 * chunk twice: the chunk takes app.js's own instance of it (one logger, one services cache, one HTTP agent),
 * which app.js exports by path under `shared`.
 */
import type { Plugin } from "esbuild";
import { relative, resolve } from "node:path";

const SRC = resolve(__dirname, "../src");

export interface RoleChunk {
  /** The module the router imports for the role(s). */
  source: string;
  /** The file it is bundled into, beside app.js. */
  file: string;
  /** A role that loads it: bundle.ts starts the function as that role to build the chunk's code cache. */
  role: string;
}

export const ROLE_CHUNKS: readonly RoleChunk[] = [
  { source: resolve(SRC, "reconcile/handler.ts"), file: "reconcile.js", role: "reconcile" },
  { source: resolve(SRC, "governance/index.ts"), file: "governance.js", role: "ag-schema" },
];

/**
 * For the app.js build: a role module imported with `import()` becomes `require("./<chunk>")` (the launcher
 * loads it through its code cache) instead of being bundled; `reached` learns which chunks to build.
 */
export function roleChunkImports(reached: Set<string>): Plugin {
  return {
    name: "role-chunk-imports",
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== "dynamic-import" || args.pluginData === "inner") return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "inner" });
        const chunk = ROLE_CHUNKS.find((c) => c.source === found.path);
        if (!chunk) return undefined;
        reached.add(chunk.file);
        return { path: chunk.file, namespace: "role-chunk" };
      });
      build.onLoad({ filter: /.*/, namespace: "role-chunk" }, (args) => ({ contents: `module.exports = require(${JSON.stringify(`./${args.path}`)});`, loader: "js" }));
      build.onResolve({ filter: /^\.\/[\w-]+\.js$/, namespace: "role-chunk" }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/** The key app.js exports a shared module under: its path from the repository root. */
const sharedKey = (root: string, file: string) => relative(root, file).split("\\").join("/");

/**
 * For a chunk's build: every import that resolves to a module app.js already holds (`appInputs`, absolute
 * paths) is replaced by app.js's instance; `used` collects their keys, for app.js to export.
 */
export function sharedFromApp(root: string, appInputs: ReadonlySet<string>, used: Set<string>): Plugin {
  return {
    name: "shared-from-app",
    setup(build) {
      build.onResolve({ filter: /^\.\/app\.js$/, namespace: "shared" }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData === "inner") return undefined;
        const found = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "inner" });
        if (found.errors.length > 0 || found.external || !appInputs.has(found.path)) return undefined;
        const key = sharedKey(root, found.path);
        used.add(key);
        return { path: key, namespace: "shared" };
      });
      // require() gives app.js's CommonJS view of the module, so the chunk's imports of it interoperate as they would inside one bundle.
      build.onLoad({ filter: /.*/, namespace: "shared" }, (args) => ({ contents: `module.exports = require("./app.js").shared[${JSON.stringify(args.path)}]();`, loader: "js" }));
    },
  };
}

/** How a shared module was written, as esbuild's metafile says: it decides how app.js exports it. */
export type ModuleFormat = "esm" | "cjs" | undefined;

/**
 * The source of app.js's entry: the function's entry, plus (when chunks use any) `shared`, each module the
 * chunks take from app.js behind a thunk giving the CommonJS view of it that a require() inside one bundle
 * gives. An ES module is imported as a namespace (a require() would make esbuild wrap it and all it imports in
 * lazy initialisers, on the provisioning role's start path too; app.js's ES modules are all on that path
 * already, its lazy imports being CommonJS packages); a CommonJS one is required when first asked for, so
 * exporting it does not load it any earlier.
 */
export function appEntrySource(root: string, entry: string, shared: ReadonlyMap<string, ModuleFormat>): string {
  const keys = [...shared.keys()].sort();
  const file = (key: string) => JSON.stringify(resolve(root, key));
  const imports = keys.map((key, i) => (shared.get(key) === "esm" ? `import * as m${i} from ${file(key)};\n` : "")).join("");
  const thunks = keys.map((key, i) => `${JSON.stringify(key)}: () => ${shared.get(key) === "esm" ? `esModule(m${i})` : `require(${file(key)})`}`);
  if (thunks.length === 0) return `import ${JSON.stringify(entry)};\n`;
  // The view esbuild's own require() of an ES module gives: live getters, marked __esModule for the importer's interop.
  const esModule = `const esModule = (ns) => Object.defineProperties({}, Object.fromEntries([["__esModule", { value: true }], ...Object.keys(ns).map((k) => [k, { get: () => ns[k], enumerable: true }])]));\n`;
  return `import ${JSON.stringify(entry)};\n${imports}${esModule}export const shared = {\n${thunks.join(",\n")}\n};\n`;
}
