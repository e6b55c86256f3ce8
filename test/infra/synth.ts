import { Testing } from "cdktf";
import { setupJest } from "cdktf/lib/testing/adapters/jest";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { EnvironmentInput } from "../../infra/config/environment-schema";
import { environmentSchema } from "../../infra/config/environment-schema";
import { loadEnvironmentFile } from "../../infra/config/load-environment";
import { IamAdbSyncStack, TenancyStack } from "../../infra/stack";

// cdktf's matchers (toHaveResource, toHaveResourceWithProperties, …) for every infra suite.
setupJest();

export const ENV_DIR = resolve(__dirname, "../../infra/environments");

/** Synthesized Terraform JSON of one stack, plus the raw string for cdktf's jest matchers. */
export interface Synth {
  json: string;
  doc: {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    data?: Record<string, Record<string, Record<string, unknown>>>;
    variable?: Record<string, Record<string, unknown>>;
    output: Record<string, { value: unknown }>;
    terraform: { backend: Record<string, Record<string, unknown>> };
    provider: Record<string, Record<string, unknown>[]>;
  };
}

/** A small stand-in for dist/function: the stack only hashes the files, so any bytes do. */
export function fixtureBundle(content = "module.exports = 1;\n"): string {
  const dir = mkdtempSync(join(tmpdir(), "infra-bundle-"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "func.js"), content);
  writeFileSync(join(dir, "func.yaml"), "schema_version: 20180708\nname: iam-adb-sync\nruntime: node\n");
  writeFileSync(join(dir, "package.json"), '{"name":"iam-adb-sync-function"}\n');
  return dir;
}

const defaultBundle = fixtureBundle();

const toSynth = (json: string): Synth => ({ json, doc: JSON.parse(json) as Synth["doc"] });

/** The environment's stack; with tenancyResources "separate", `tenancy` is its <name>-tenancy stack. */
export function synthEnvironment(name: string, config: EnvironmentInput, bundleDirAbs = defaultBundle): Synth & { tenancy?: Synth } {
  const env = environmentSchema.parse(config);
  // A whole app synthesis, as `cdktf synth` does: cross-stack references are resolved only there.
  const outdir = mkdtempSync(join(tmpdir(), "cdktf-out-"));
  const app = Testing.app({ outdir });
  const stack = new IamAdbSyncStack(app, name, env, { bundleDir: "dist/function", bundleDirAbs });
  const tenancy = env.tenancyResources === "separate" ? new TenancyStack(app, name, env, stack) : undefined;
  app.synth();
  const read = (n: string) => toSynth(readFileSync(join(outdir, "stacks", n, "cdk.tf.json"), "utf8"));
  return { ...read(name), tenancy: tenancy ? read(tenancy.node.id) : undefined };
}

/** Where a resource type lives: the environment's stack, or its tenancy stack when that one exists. */
export function tenancyPart(s: Synth & { tenancy?: Synth }): Synth {
  return s.tenancy ?? s;
}

/** The checked-in environment file, raw (before defaults), for tests that tweak one key. */
export function environmentInput(name: string): EnvironmentInput {
  const loaded = loadEnvironmentFile(join(ENV_DIR, `${name}.json`));
  return JSON.parse(JSON.stringify(loaded.config)) as EnvironmentInput;
}

export function synthCheckedIn(name: string): Synth & { tenancy?: Synth } {
  return synthEnvironment(name, environmentInput(name));
}

/** All resources of one type, by logical name. */
export function resources(s: Synth, type: string): Record<string, Record<string, unknown>> {
  return s.doc.resource[type] ?? {};
}

/** The only resource of a type; fails the test when there are several or none. */
export function single(s: Synth, type: string): Record<string, unknown> {
  const all = Object.values(resources(s, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** `${<type>.<logical name>.<attr>}` of the only resource of `type`. */
export function ref(s: Synth, type: string, attr = "id"): string {
  const names = Object.keys(resources(s, type));
  if (names.length !== 1) throw new Error(`expected exactly one ${type}, found ${names.length}`);
  return `\${${type}.${names[0]}.${attr}}`;
}
