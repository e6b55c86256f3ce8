export type IdentityErrorReason = "bad_ocid" | "denied" | "unavailable" | "bad_reply";

export class IdentityError extends Error {
  override name = "IdentityError";
  constructor(
    message: string,
    readonly reason: IdentityErrorReason,
    readonly status?: number,
  ) {
    super(message);
  }
}
