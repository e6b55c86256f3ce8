/**
 * The CDKTF app: one stack per infra/environments/<name>.json. Every file is validated before anything is
 * synthesized. The function bundle is rebuilt first (a separate process: infra never imports function code) so
 * the image tag always matches the code being deployed; IAM_ADB_SYNC_SKIP_BUNDLE=1 skips that when
 * dist/function is known to be fresh. IAM_ADB_SYNC_ENVIRONMENTS_DIR points at another folder of environment files.
 */
import { App } from "cdktf";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { ENVIRONMENTS_DIR, loadAllEnvironments } from "./config/load-environment";
import { IamAdbSyncStack } from "./stack";

const ROOT = resolve(__dirname, "..");
const BUNDLE_DIR = "dist/function";

function buildBundle(): void {
  const tsx = resolve(ROOT, "node_modules/tsx/dist/cli.mjs");
  execFileSync(process.execPath, [tsx, "function/build/bundle.ts"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

function main(): void {
  const environments = loadAllEnvironments(process.env.IAM_ADB_SYNC_ENVIRONMENTS_DIR || ENVIRONMENTS_DIR);
  if (process.env.IAM_ADB_SYNC_SKIP_BUNDLE !== "1") buildBundle();
  const app = new App();
  for (const env of environments) {
    new IamAdbSyncStack(app, env.name, env.config, { bundleDir: BUNDLE_DIR, bundleDirAbs: resolve(ROOT, BUNDLE_DIR) });
  }
  app.synth();
}

try {
  main();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
