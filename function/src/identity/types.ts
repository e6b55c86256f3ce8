export interface IamUser {
  /** The user's OCID. */
  id: string;
  /** IAM user name (identity domain userName). */
  name: string;
  email?: string;
  /** Locked out: legacy IAM inactiveStatus bit 2 (BLOCKED); identity domain userState locked.on. */
  blocked: boolean;
  /** Account enabled: legacy lifecycleState ACTIVE; identity domain active. */
  active: boolean;
}

export interface IamGroup {
  /** The group's OCID. */
  id: string;
  name: string;
}

export interface IdentityLookup {
  /** null when no such user (e.g. deleted). */
  user(ocid: string): Promise<IamUser | null>;
  /** null when no such group. */
  group(ocid: string): Promise<IamGroup | null>;
}

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
