/**
 * A failure the caller should see as it is: status (4xx for what Access Governance sent, 5xx for what the
 * function's configuration or a credential source did), a stable code and a message naming what is wrong.
 * Messages never carry a credential.
 */
export class GovernanceError extends Error {
  override name = "GovernanceError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
