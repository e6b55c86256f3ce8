/**
 * Why a secret could not be used. Messages may name the secret's OCID, never its content.
 * - bad_ocid: the caller passed something that is not a Vault secret OCID
 * - denied: 401/403/404 (OCI does not say which); permanent
 * - refused: another permanent OCI answer (e.g. 400)
 * - unavailable: Vault unreachable or failing after retries
 * - bad_content: the secret exists but its content is not what the caller needs
 */
export type SecretErrorReason = "bad_ocid" | "denied" | "refused" | "unavailable" | "bad_content";

export class SecretError extends Error {
  override name = "SecretError";
  constructor(
    message: string,
    readonly reason: SecretErrorReason,
    readonly status?: number,
  ) {
    super(message);
  }
}
