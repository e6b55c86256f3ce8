import type { AuthParams, ClientConfiguration } from "oci-common";
import { getAuthProvider } from "./auth";
import { onceAsync } from "./once";
import { ATTEMPT_TIMEOUT_MS } from "./signed-request";

/**
 * SDK client settings: the SDK's own retrier is switched off (one attempt) so that every OCI call goes through
 * the project's retry loop (callOci); its circuit breaker stays, with a per-attempt timeout the SDK lacks.
 */
async function sdkClientConfiguration(): Promise<ClientConfiguration> {
  const common = await import("oci-common");
  return {
    retryConfiguration: common.NoRetryConfigurationDetails,
    circuitBreaker: new common.CircuitBreaker({ ...common.CircuitBreaker.defaultConfiguration, timeout: ATTEMPT_TIMEOUT_MS }),
  };
}

type SdkClientClass<C> = new (params: AuthParams, config?: ClientConfiguration) => C;

/**
 * An SDK client signing with the resource principal, created on first use. `load` imports the client's
 * package (a literal dynamic import, so the bundle keeps it and cold start only pays for what is used).
 */
export function lazySdkClient<C extends { endpoint: string }>(
  load: () => Promise<SdkClientClass<C>>,
  endpoint?: string,
): () => Promise<C> {
  return onceAsync(async () => {
    const Client = await load();
    const client = new Client({ authenticationDetailsProvider: await getAuthProvider() }, await sdkClientConfiguration());
    if (endpoint) client.endpoint = endpoint;
    return client;
  });
}
