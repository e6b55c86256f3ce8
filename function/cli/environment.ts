import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { provisioningConfig } from "../../infra/config/function-config";
import { ENVIRONMENTS_DIR, loadEnvironmentFile } from "../../infra/config/load-environment";
import { loadConfig, type ProvisionConfig } from "../src/config/load";
import type { Logger } from "../src/log/logger";
import type { OrdsClient } from "../src/ords/client";
import { ordsClientFromSecret } from "../src/ords/from-secret";
import type { SecretReader } from "../src/secrets";
import { CliError } from "./lib/cli-error";

/** Vault reads signed with the user's OCI config profile (the function itself uses its resource principal). */
async function profileSecrets(profile: string, region: string): Promise<SecretReader> {
  const [{ ConfigFileAuthenticationDetailsProvider, Region }, { SecretsClient }] = await Promise.all([import("oci-common"), import("oci-secrets")]);
  let provider;
  try {
    provider = new ConfigFileAuthenticationDetailsProvider(undefined, profile);
  } catch (err) {
    throw new CliError(`OCI config profile ${profile}: ${(err as Error).message.trim()}`);
  }
  const client = new SecretsClient({ authenticationDetailsProvider: provider });
  client.region = Region.fromRegionId(region);
  return {
    async read(secretId) {
      const { secretBundle } = await client.getSecretBundle({ secretId });
      const content = secretBundle.secretBundleContent as { content?: string } | undefined;
      if (!content?.content) throw new Error(`secret ${secretId} has no base64 content`);
      return Buffer.from(content.content, "base64").toString("utf8");
    },
  };
}

/**
 * A real environment as a CLI on this machine reaches it: infra/environments/<name>.json, Vault read with the
 * environment's OCI config profile, ORDS with the credentials from that secret.
 */
export async function environmentConnection(
  name: string,
  o: { ordsUrl?: string; ordsSecret?: string },
  log: Logger,
): Promise<{ config: ProvisionConfig; ords: OrdsClient; secrets: SecretReader; profile: string; region: string }> {
  const file = resolve(ENVIRONMENTS_DIR, `${name}.json`);
  if (!existsSync(file)) {
    const known = readdirSync(ENVIRONMENTS_DIR).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, ""));
    throw new CliError(`no environment ${name}: expected ${file} (known: sandbox, ${known.join(", ")})`);
  }
  const { config: env } = loadEnvironmentFile(file);
  const ordsUrl = o.ordsUrl ?? (env.database.ordsUrl ? `${env.database.ordsUrl}/${env.database.schemaAlias}` : undefined);
  if (!ordsUrl) throw new CliError(`environment ${name} names its database by OCID; pass --ords-url https://…/ords/${env.database.schemaAlias}`);
  const ordsSecretId = o.ordsSecret ?? (env.secrets.ords.startsWith("ocid1.") ? env.secrets.ords : undefined);
  if (!ordsSecretId) throw new CliError(`environment ${name} creates its ORDS secret at deploy time; pass --ords-secret <the deployed secret's OCID>`);
  const entries = provisioningConfig(env, { ordsUrl, ordsSecretId });
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(entries)) if (typeof v === "string") raw[k] = v;
  const config = loadConfig(raw);
  const secrets = await profileSecrets(env.ociConfigProfile, env.region);
  const text = await secrets.read(config.ORDS_SECRET_OCID);
  const ords = ordsClientFromSecret(text, config, log);
  return { config, ords, secrets, profile: env.ociConfigProfile, region: env.region };
}

