import type { RegistryRow } from "../plan/ops";

/** A DBA_USERS row, as far as the ownership proof and the planner need it. */
export interface DictUser {
  username: string;
  accountStatus: string;
  authenticationType: string;
  externalName: string | null;
  /** ISO time (DATE: whole seconds). */
  created: string;
  oracleMaintained: boolean;
}

export function parseDictUser(raw: Record<string, unknown>): DictUser {
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    username: String(raw.username),
    accountStatus: String(raw.account_status ?? ""),
    authenticationType: String(raw.authentication_type ?? ""),
    externalName: s(raw.external_name),
    created: String(raw.created ?? ""),
    oracleMaintained: raw.oracle_maintained === "Y",
  };
}

/** The external name an IAM-authenticated account of ours carries (IDENTIFIED GLOBALLY AS …). */
export function iamPrincipal(iamUserName: string, identityDomain: string): string {
  return identityDomain.toLowerCase() === "default" ? iamUserName : `${identityDomain}/${iamUserName}`;
}

/**
 * Is the existing database user really the one this registry row describes? A row alone (PENDING or not)
 * proves nothing: anyone able to write the table could name an existing schema in it. The dictionary must
 * agree: not Oracle-maintained, the authentication the product gave it, and created no earlier than the row
 * (DBA_USERS.CREATED is a DATE, so the row's time is compared to the second). Returns the refusal, or null.
 */
export function ownershipRefusal(row: RegistryRow, user: DictUser, identityDomain: string): string | null {
  const name = row.dbUsername;
  if (user.oracleMaintained) return `database user ${name} is Oracle-maintained; the product never changes it`;
  if (row.authMode === "IAM") {
    const want = `IAM_PRINCIPAL_NAME=${iamPrincipal(row.iamUserName, identityDomain)}`;
    const external = user.externalName ?? "";
    // An account the product created carries exactly this text: compare that first, case-blind only when it differs.
    if (user.authenticationType !== "GLOBAL" || (external !== want && external.toLowerCase() !== want.toLowerCase())) {
      return `database user ${name} is not identified globally as ${want} (the product did not create it); it is left untouched`;
    }
  } else if (user.authenticationType !== "PASSWORD") {
    return `database user ${name} is not a password account as the product creates them; it is left untouched`;
  }
  const created = Date.parse(user.created);
  const rowTime = row.createdAt ? Date.parse(row.createdAt) : NaN;
  if (!Number.isFinite(created) || !Number.isFinite(rowTime) || created < Math.floor(rowTime / 1000) * 1000) {
    return `database user ${name} was created before its registry row (the product did not create it); it is left untouched`;
  }
  return null;
}
