import { z } from "zod";
import type { ProvisionConfig } from "../config/load";
import type { Logger } from "../log/logger";
import { TokenSource } from "../oauth/token-source";
import { parseSecretJson } from "../secrets";
import { OrdsClient } from "./client";

const oauthSecret = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });
const basicSecret = z.object({ username: z.string().min(1), password: z.string().min(1) });

/**
 * An ORDS client from the Vault secret's text, per ORDS_AUTH. `tokenSourceFor` lets a long-lived caller reuse
 * one token source per OAuth client (a warm function keeps its token); by default each client gets its own.
 */
export function ordsClientFromSecret(
  text: string,
  config: Pick<ProvisionConfig, "ORDS_URL" | "ORDS_AUTH" | "CACHE_TTL_SECONDS">,
  log: Logger,
  tokenSourceFor: (clientId: string, make: () => TokenSource) => TokenSource = (_id, make) => make(),
): OrdsClient {
  if (config.ORDS_AUTH === "oauth") {
    const c = parseSecretJson(text, oauthSecret, "ORDS OAuth client secret");
    const tokens = tokenSourceFor(
      c.clientId,
      () =>
        new TokenSource(
          { tokenUrl: `${config.ORDS_URL}/oauth/token`, clientId: c.clientId, clientSecret: c.clientSecret },
          { maxLifetimeSeconds: config.CACHE_TTL_SECONDS || undefined },
        ),
    );
    return new OrdsClient({ url: config.ORDS_URL, auth: { kind: "oauth", tokens }, log });
  }
  const c = parseSecretJson(text, basicSecret, "ORDS database user secret");
  return new OrdsClient({ url: config.ORDS_URL, auth: { kind: "basic", username: c.username, password: c.password }, log });
}
