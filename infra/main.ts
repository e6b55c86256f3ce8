/**
 * The CDKTF app: one stack per infra/environments/<name>.json (two with tenancyResources "separate": <name> and
 * <name>-tenancy). Every file is validated first and all broken ones are reported together;
 * IAM_ADB_SYNC_ENVIRONMENT=<name> synthesizes that environment alone (the others are not read). The function
 * bundle is rebuilt first (a separate process: infra never imports function code) so the image tag always
 * matches the code being deployed; IAM_ADB_SYNC_SKIP_BUNDLE=1 skips that when dist/function is known to be
 * fresh. The function's config contract is always rebuilt (it is small), so synth checks the current rules. IAM_ADB_SYNC_ENVIRONMENTS_DIR points at another folder of environment files.
 */
import { App } from "cdktf";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { ENVIRONMENTS_DIR, loadAllEnvironments } from "./config/load-environment";
import { IamAdbSyncStack, TenancyStack } from "./stack";

const ROOT = resolve(__dirname, "..");
const BUNDLE_DIR = "dist/function";

function build(script: string): void {
  const tsx = resolve(ROOT, "node_modules/tsx/dist/cli.mjs");
  execFileSync(process.execPath, [tsx, script], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

function main(): void {
  const only = process.env.IAM_ADB_SYNC_ENVIRONMENT || undefined;
  const environments = loadAllEnvironments(process.env.IAM_ADB_SYNC_ENVIRONMENTS_DIR || ENVIRONMENTS_DIR, only);
  if (process.env.IAM_ADB_SYNC_SKIP_BUNDLE !== "1") build("function/build/bundle.ts");
  build("function/build/config-contract.ts");
  const app = new App();
  for (const env of environments) {
    const stack = new IamAdbSyncStack(app, env.name, env.config, { bundleDir: BUNDLE_DIR, bundleDirAbs: resolve(ROOT, BUNDLE_DIR) });
    if (env.config.tenancyResources === "separate") new TenancyStack(app, env.name, env.config, stack);
  }
  app.synth();
}

try {
  main();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
