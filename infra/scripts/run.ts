/**
 * Every cdktf invocation of the npm scripts goes through here, with CHECKPOINT_DISABLE=1 (no phone-home, no
 * "[ERROR]" about the usage check when offline):
 *
 *   npm run synth [-- <env>]            synthesize every environment, or one alone
 *   npm run preflight -- <env>          the offline checks only (infra/scripts/preflight.ts)
 *   npm run deploy -- <env> [cdktf deploy options]
 *   npm run destroy -- <env> [--keep-audit] [cdktf destroy options]
 *
 * <env> may also be <env>-tenancy, the tenancy stack of an environment with tenancyResources "separate".
 * deploy never passes IAM_ADB_SYNC_EMPTY_AUDIT_BUCKET on: the audit emptier runs when Terraform replaces it
 * too, and a replacement must never delete records. --keep-audit makes Terraform forget the audit bucket (and
 * what keeps its lifecycle working) before destroying, so the records stay.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CONFIRM_VARIABLE } from "./empty-bucket";
import { ENVIRONMENTS_DIR } from "../config/load-environment";
import { preflight, type Action } from "./preflight";

const ROOT = resolve(__dirname, "../..");
const CDKTF = resolve(ROOT, "node_modules/cdktf-cli/bundle/bin/cdktf");

/** Resource types that make up the audit trail (what --keep-audit leaves behind, untouched). */
const AUDIT_TYPES = ["oci_objectstorage_bucket", "oci_objectstorage_object_lifecycle_policy"];

/** State addresses --keep-audit removes: the bucket, its lifecycle, its emptier and Object Storage's grant. */
export function auditAddresses(stackJson: { resource?: Record<string, Record<string, { name?: unknown }>> }): string[] {
  const r = stackJson.resource ?? {};
  const out: string[] = [];
  for (const t of AUDIT_TYPES) for (const name of Object.keys(r[t] ?? {})) out.push(`${t}.${name}`);
  for (const name of Object.keys(r.terraform_data ?? {})) if (name.includes("empty-on-destroy")) out.push(`terraform_data.${name}`);
  for (const [name, p] of Object.entries(r.oci_identity_policy ?? {})) {
    if (String(p.name).endsWith("-objectstorage")) out.push(`oci_identity_policy.${name}`);
  }
  return out.sort();
}

function terraformVersion(): string | undefined {
  try {
    return execFileSync("terraform", ["version", "-json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

function cdktf(args: string[], env: NodeJS.ProcessEnv): number {
  const r = spawnSync(process.execPath, [CDKTF, ...args], { cwd: ROOT, stdio: "inherit", env: { ...env, CHECKPOINT_DISABLE: "1" } });
  return r.status ?? 1;
}

function keepAudit(stack: string, env: NodeJS.ProcessEnv): number {
  const dir = join(ROOT, "cdktf.out", "stacks", stack);
  const addresses = auditAddresses(JSON.parse(readFileSync(join(dir, "cdk.tf.json"), "utf8")) as never);
  if (addresses.length === 0) return 0;
  const tf = (args: string[]) => spawnSync("terraform", args, { cwd: dir, stdio: "inherit", env: { ...env, CHECKPOINT_DISABLE: "1" } }).status ?? 1;
  if (tf(["init", "-input=false"]) !== 0) return 1;
  console.log(`--keep-audit: Terraform forgets ${addresses.join(", ")}; the bucket and its records stay in OCI`);
  return tf(["state", "rm", ...addresses]);
}

function main(argv: string[]): number {
  const [command, stack, ...rest] = argv;
  const base = { ...process.env, CHECKPOINT_DISABLE: "1" };
  const environmentsDir = process.env.IAM_ADB_SYNC_ENVIRONMENTS_DIR || ENVIRONMENTS_DIR;
  if (command === "synth") {
    return cdktf(["synth", ...rest], stack ? { ...base, IAM_ADB_SYNC_ENVIRONMENT: stack.replace(/-tenancy$/, "") } : base);
  }
  if (!["deploy", "destroy", "preflight"].includes(command) || !stack || stack.startsWith("-")) {
    console.error("usage: npm run deploy|destroy|preflight -- <environment> [options]");
    return 2;
  }
  const action: Action = command === "destroy" ? "destroy" : "deploy";
  const r = preflight({ action, stack, environmentsDir, env: process.env, terraformVersion: terraformVersion() });
  if (r.problems.length > 0) {
    console.error(`preflight for ${action} of ${stack} found ${r.problems.length} problem(s):`);
    for (const p of r.problems) console.error(`  - ${p}`);
    return 1;
  }
  console.log(`preflight for ${action} of ${stack}: ok`);
  if (command === "preflight") return 0;
  const env: NodeJS.ProcessEnv = { ...base, IAM_ADB_SYNC_ENVIRONMENT: r.environment?.name };
  if (action === "deploy") {
    if (env[CONFIRM_VARIABLE] !== undefined) console.log(`${CONFIRM_VARIABLE} is ignored on deploy: only a destroy may empty the audit bucket`);
    delete env[CONFIRM_VARIABLE];
    return cdktf(["deploy", stack, ...rest], env);
  }
  const keep = rest.includes("--keep-audit");
  const options = rest.filter((a) => a !== "--keep-audit");
  if (keep) {
    if (cdktf(["synth"], env) !== 0 || keepAudit(stack, env) !== 0) return 1;
  }
  return cdktf(["destroy", stack, ...options], env);
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
