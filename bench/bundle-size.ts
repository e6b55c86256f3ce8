import type { Builds } from "./builds";
import { kib, ratio } from "./lib/markdown";
import type { Row } from "./lib/report";

export const NAIVE_DEFINITION =
  "naive bundle: `esbuild --bundle --minify --platform=node` of the same entry (function/src/main.ts), nothing else.";

export function bundleSizeRows(builds: Builds): Row[] {
  return [
    { measure: "bundle size (all JavaScript shipped) vs naive bundle", ours: kib(builds.ours.bytes), baseline: kib(builds.naive.bytes), ratio: ratio(builds.ours.bytes, builds.naive.bytes), runs: "1 build", note: `ours: function/build/bundle.ts, all JavaScript the image ships (${builds.ours.scripts.join(" + ")}); plus ${builds.ours.caches} V8 code caches for Node 22 (one per loaded script and heap-flag set the stack deploys), ${kib(builds.ours.cacheBytes)} in all` },
  ];
}
