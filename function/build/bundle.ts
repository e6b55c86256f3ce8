import { build } from "esbuild";
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** Where the function image's files are assembled: func.js (the whole function) + func.yaml + package.json. */
export const DIST_DIR = resolve(__dirname, "../../dist/function");

const shim = (name: string) => resolve(__dirname, "shims", name);

/**
 * How every bundle of ours is built: minified CommonJS for the image's Node 22, nothing left external.
 * Polyfills the OCI SDK pulls in for runtimes without fetch or Promise are replaced by the built-ins (the
 * function never runs on such a runtime), which keeps ~300 KiB that never executes out of the image.
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
  },
} as const;

/**
 * Bundles function/src/main.ts and every dependency into one minified CommonJS file, so the image needs
 * no node_modules. The OCI SDK pulls in optional modules it never uses on this path; they are marked
 * external and stay unresolved.
 */
export async function bundleFunction(outDir: string = DIST_DIR): Promise<{ file: string; bytes: number }> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "func.js");
  await build({
    entryPoints: [resolve(__dirname, "../src/main.ts")],
    outfile: file,
    ...BUNDLE_OPTIONS,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    external: [],
  });
  for (const name of ["func.yaml", "package.json"]) {
    copyFileSync(resolve(__dirname, name), join(outDir, name));
  }
  return { file, bytes: statSync(file).size };
}

if (require.main === module) {
  bundleFunction().then(
    ({ file, bytes }) => console.log(`bundled ${file} (${(bytes / 1024).toFixed(0)} KiB)`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
