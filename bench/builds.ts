import { build, type BuildOptions } from "esbuild";
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { BUNDLE_OPTIONS, bundleFunction, type BuiltBundle } from "../function/build/bundle";

export const ROOT = resolve(__dirname, "..");
const MAIN = join(ROOT, "function/src/main.ts");
/** The OCI SDK packages in the bundle (oci-secrets for Vault; the other OCI APIs are signed calls). */
export const SDK_PACKAGES = ["oci-common", "oci-secrets"];

export interface Build {
  file: string;
  bytes: number;
  /** V8 code caches shipped beside it, bytes and count (bundleFunction builds only). */
  cacheBytes?: number;
  caches?: number;
}

export interface Builds {
  /** dist/function/func.js and the scripts it loads, rebuilt by function/build/bundle.ts (synth hashes the directory for the image tag). */
  ours: BuiltBundle;
  /** `esbuild --bundle --minify --platform=node` of the same entry: what a straightforward build gives. */
  naive: Build;
  /** Our sources in one transpiled file, node_modules left external (needs NODE_PATH at run time). */
  sourcesOnly: Build;
  /** Our bundle's options with the OCI SDK packages external: what the SDK's bytes cost at start-up though it loads lazily. */
  sdkExternal: Build;
  /** bench/fixtures/echo-function.ts bundled and launched exactly like ours (launcher, code cache). */
  echo: Build;
}

const NODE: BuildOptions = { bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "error", legalComments: "none" };

async function esbuild(outfile: string, o: BuildOptions): Promise<Build> {
  await build({ ...NODE, ...o, outfile });
  return { file: outfile, bytes: statSync(outfile).size };
}

/** Builds our bundle in place and every baseline the benchmarks compare it with into `dir`. */
export async function buildVariants(dir: string): Promise<Builds> {
  const ours = await bundleFunction();
  return {
    ours,
    naive: await esbuild(join(dir, "naive", "func.js"), { entryPoints: [MAIN], minify: true, target: undefined }),
    sourcesOnly: await esbuild(join(dir, "sources", "func.js"), { entryPoints: [MAIN], packages: "external" }),
    sdkExternal: await esbuild(join(dir, "sdk-external", "func.js"), { ...BUNDLE_OPTIONS, entryPoints: [MAIN], external: SDK_PACKAGES }),
    echo: await bundleFunction(join(dir, "echo"), join(__dirname, "fixtures/echo-function.ts")),
  };
}
