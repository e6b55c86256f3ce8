import type { ResourcePrincipalAuthenticationDetailsProvider } from "oci-common";
import { onceAsync } from "./once";

/** Resource principal v2.2 settings the Functions service injects into every function container. */
export const RESOURCE_PRINCIPAL_ENV = [
  "OCI_RESOURCE_PRINCIPAL_VERSION",
  "OCI_RESOURCE_PRINCIPAL_RPST",
  "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM",
  "OCI_RESOURCE_PRINCIPAL_REGION",
] as const;

export class AuthError extends Error {
  override name = "AuthError";
}

/**
 * The function's resource principal, built once per process: every OCI client signs with it. A failed build
 * is not kept, so a later call reports the same clear error rather than a stale rejection.
 */
export const getAuthProvider: () => Promise<ResourcePrincipalAuthenticationDetailsProvider> = onceAsync(buildProvider);

async function buildProvider(): Promise<ResourcePrincipalAuthenticationDetailsProvider> {
  for (const name of RESOURCE_PRINCIPAL_ENV) {
    if (!process.env[name]) {
      throw new AuthError(
        `resource principal not available: ${name} is not set; run inside OCI Functions or set ` +
          `${RESOURCE_PRINCIPAL_ENV.join(", ")} (the local sandbox generates them)`,
      );
    }
  }
  // Lazy: oci-common is only loaded by invocations that call OCI.
  const common = await import("oci-common");
  try {
    return common.ResourcePrincipalAuthenticationDetailsProvider.builder();
  } catch (err) {
    // The SDK's messages name the variable at fault, never its value.
    throw new AuthError(`resource principal not usable: ${err instanceof Error ? err.message : String(err)}`);
  }
}
