import type { Builds } from "./builds";
import { kib, ratio } from "./lib/markdown";
import type { Row } from "./lib/report";

export const NAIVE_DEFINITION =
  "naive bundle: the same entry (function/src/main.ts) and dependencies through esbuild with bundle, platform node and target node20 only (no minify), plus a top-level import of every OCI SDK package the function uses (oci-common, oci-secrets, oci-objectstorage, oci-identity, oci-identitydomains), as a straightforward `import` of the SDK would give.";

export function bundleSizeRows(builds: Builds): Row[] {
  return [
    { measure: "bundle size (func.js) vs naive bundle", ours: kib(builds.ours.bytes), baseline: kib(builds.naive.bytes), ratio: ratio(builds.ours.bytes, builds.naive.bytes), runs: "1 build", note: "ours: function/build/bundle.ts (minified, one file, no node_modules)" },
  ];
}
