import { z } from "zod";
import { ConfigError, type ProvisionConfig } from "../config/load";
import { TokenSource } from "../oauth/token-source";
import { parseSecretJson, type SecretReader } from "../secrets";
import { ScimClient } from "./scim-client";

const clientSecret = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

/** Scope an identity domain grants a confidential app for the admin roles assigned to it. */
export const SCIM_SCOPE = "urn:opc:idm:__myscopes__";

/** Token sources outlive an invocation (warm functions reuse the token), keyed by domain and client. */
const tokenSources = new Map<string, TokenSource>();

/** A SCIM client for the configured identity domain, authenticated with the OAuth client kept in Vault. */
export async function scimClientFor(config: ProvisionConfig, secrets: SecretReader): Promise<ScimClient> {
  const domainUrl = config.IDENTITY_DOMAIN_URL;
  if (!domainUrl) throw new ConfigError("IDENTITY_DOMAIN_URL", "is required for reconciliation (the identity domain whose users are read)");
  if (!config.RECONCILE_SECRET_OCID) {
    throw new ConfigError("RECONCILE_SECRET_OCID", "is required for reconciliation (Vault secret {clientId, clientSecret} of the identity domain OAuth client)");
  }
  const creds = parseSecretJson(await secrets.read(config.RECONCILE_SECRET_OCID), clientSecret, "identity domain OAuth client secret");
  const key = `${domainUrl}\n${creds.clientId}\n${creds.clientSecret}`;
  let tokens = tokenSources.get(key);
  if (!tokens) {
    tokens = new TokenSource(
      { tokenUrl: `${domainUrl}/oauth2/v1/token`, clientId: creds.clientId, clientSecret: creds.clientSecret, scope: SCIM_SCOPE },
      { maxLifetimeSeconds: config.CACHE_TTL_SECONDS || undefined },
    );
    tokenSources.set(key, tokens);
  }
  return new ScimClient({ domainUrl, tokens, pageSize: config.RECONCILE_PAGE });
}
