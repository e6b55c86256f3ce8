/**
 * Offline checks before Terraform starts (`npm run deploy -- <env>`, `npm run destroy -- <env>`,
 * `npm run preflight -- <env>`): the environment file, the OCI config profile and its key file, the sensitive
 * TF_VAR_* a deploy needs, the terraform version and the stated home region. Every problem names its fix.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigFileReader } from "oci-common";
import { UNPINNED_DIGEST, type Environment } from "../config/environment-schema";
import { EnvironmentConfigError, environmentNames, loadEnvironmentFile } from "../config/load-environment";

export type Action = "deploy" | "destroy";

export interface PreflightInput {
  action: Action;
  /** The environment's name, or <name>-tenancy for a separate tenancy stack. */
  stack: string;
  environmentsDir: string;
  env: NodeJS.ProcessEnv;
  /** `terraform version -json` output, or undefined when terraform is not on PATH. */
  terraformVersion: string | undefined;
}

export interface PreflightResult {
  problems: string[];
  /** The parsed environment, when its file is valid. */
  environment?: { name: string; config: Environment };
}

/** terraform_data needs Terraform 1.4; the native oci backend 1.12. */
const MIN_TERRAFORM = "1.4.0";
const MIN_TERRAFORM_OCI_BACKEND = "1.12.0";
export const TENANCY_STACK = /^(.+)-tenancy$/;

/** The TF_VAR_* names a deploy of this environment cannot do without. */
export function requiredVariables(c: Environment, tenancyStack: boolean): string[] {
  if (tenancyStack) return [];
  const vars: string[] = [];
  if (c.secrets.ords === "create") {
    vars.push(...(c.provisioning.authMode === "oauth" ? ["ords_client_id", "ords_client_secret"] : ["ords_username", "ords_password"]));
  }
  if (c.function.registryAuth === "token") vars.push("ocir_username", "ocir_auth_token");
  if (c.function.baseRegistryAuth === "token") vars.push("base_registry_username", "base_registry_password");
  return vars;
}

function ociConfigProblems(c: Environment, env: NodeJS.ProcessEnv): string[] {
  const file = env.OCI_CLI_CONFIG_FILE ?? join(homedir(), ".oci", "config");
  if (!existsSync(file)) {
    return [`OCI config file ${file} does not exist: create it with \`oci setup config\` (or set OCI_CLI_CONFIG_FILE)`];
  }
  const text = readFileSync(file, "utf8");
  if (!new RegExp(`^\\s*\\[${c.ociConfigProfile}\\]\\s*$`, "m").test(text)) {
    return [`OCI config file ${file} has no [${c.ociConfigProfile}] profile: add it, or set ociConfigProfile in the environment file`];
  }
  const profile = ConfigFileReader.parse(text, c.ociConfigProfile);
  const problems: string[] = [];
  for (const key of ["user", "fingerprint", "tenancy", "key_file"]) {
    if (!profile.get(key) && !(key === "user" && profile.get("security_token_file"))) {
      problems.push(`profile [${c.ociConfigProfile}] in ${file} has no ${key}=: add it (oci setup config writes it)`);
    }
  }
  const keyFile = profile.get("key_file");
  if (keyFile && !existsSync(resolve(ConfigFileReader.expandUserHome(keyFile)))) {
    problems.push(`key_file ${keyFile} of profile [${c.ociConfigProfile}] does not exist: point key_file at the API signing key`);
  }
  const tenancy = profile.get("tenancy");
  if (tenancy && tenancy !== c.tenancyOcid) {
    problems.push(`profile [${c.ociConfigProfile}] signs for tenancy ${tenancy}, but the environment's tenancyOcid is ${c.tenancyOcid}: use a profile of that tenancy`);
  }
  return problems;
}

function terraformProblems(c: Environment, versionJson: string | undefined): string[] {
  const needed = c.state.backend === "oci" ? MIN_TERRAFORM_OCI_BACKEND : MIN_TERRAFORM;
  if (versionJson === undefined) return [`terraform is not on PATH: install Terraform >= ${needed}`];
  let version: string | undefined;
  try {
    version = (JSON.parse(versionJson) as { terraform_version?: string }).terraform_version;
  } catch {
    version = undefined;
  }
  const parsed = version === undefined ? undefined : /^(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
  if (parsed === undefined) return [`could not read the terraform version from \`terraform version -json\`: install Terraform >= ${needed}`];
  const min = needed.split(".").map(Number);
  const older = parsed[0] !== min[0] ? parsed[0] < min[0] : parsed[1] !== min[1] ? parsed[1] < min[1] : parsed[2] < min[2];
  if (older) {
    const why = c.state.backend === "oci" ? "the native oci state backend" : "terraform_data";
    return [`terraform ${version} is too old for ${why}: install Terraform >= ${needed}`];
  }
  return [];
}

export function preflight(input: PreflightInput): PreflightResult {
  const tenancy = TENANCY_STACK.exec(input.stack);
  const known = environmentNames(input.environmentsDir);
  const name = known.includes(input.stack) ? input.stack : (tenancy?.[1] ?? input.stack);
  if (!known.includes(name)) {
    return { problems: [`no environment "${input.stack}": known environments are ${known.join(", ") || "(none)"} (files in ${input.environmentsDir})`] };
  }
  let config: Environment;
  try {
    config = loadEnvironmentFile(join(input.environmentsDir, `${name}.json`)).config;
  } catch (err) {
    if (err instanceof EnvironmentConfigError) return { problems: err.problems.map((p) => `${err.file}: ${p}`) };
    throw err;
  }
  const problems: string[] = [];
  const tenancyStack = name !== input.stack;
  if (tenancyStack && config.tenancyResources !== "separate") {
    problems.push(`${name} keeps its tenancy resources in its own stack: deploy "${name}", or set tenancyResources to "separate"`);
  }
  problems.push(...ociConfigProblems(config, input.env));
  problems.push(...terraformProblems(config, input.terraformVersion));
  if (input.action === "deploy") {
    for (const v of requiredVariables(config, tenancyStack)) {
      if (!input.env[`TF_VAR_${v}`]) problems.push(`TF_VAR_${v} is not set: export it (deploy needs it; destroy does not)`);
    }
    if (config.function.baseImage.endsWith(`@${UNPINNED_DIGEST}`)) {
      problems.push(`function.baseImage ${config.function.baseImage} has no digest yet: run npm run image:pin -- ${name} (needs the registry once)`);
    }
  }
  return { problems, environment: { name, config } };
}
