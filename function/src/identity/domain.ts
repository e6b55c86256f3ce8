import type { Logger } from "../log/logger";
import type { RetryPolicy } from "../net/retry";
import { callOci } from "../oci/call";
import { lazySdkClient } from "../oci/client";
import { IdentityError, type IamGroup, type IamUser, type IdentityLookup } from "./types";

const USER_STATE = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User";

/**
 * Look-ups in an identity domain (oci-identitydomains, SCIM) signed with the resource principal. Events carry
 * OCIDs while /Users/{id} takes the SCIM id, so users and groups are found with a filter on `ocid`.
 */
export function domainIdentityLookup(o: { domainUrl: string; log: Logger; retry?: RetryPolicy }): IdentityLookup {
  const getClient = lazySdkClient(async () => (await import("oci-identitydomains")).IdentityDomainsClient, o.domainUrl);
  // OCIDs never contain quotes or backslashes (checked by the caller); JSON quoting is SCIM's string syntax.
  const byOcid = (ocid: string) => `ocid eq ${JSON.stringify(ocid)}`;

  return {
    async user(ocid) {
      const c = await getClient();
      const { users } = await callOci(
        `identity domain user ${ocid}`,
        () => c.listUsers({ filter: byOcid(ocid), attributes: `ocid,userName,emails,active,${USER_STATE}:locked` }),
        { log: o.log, policy: o.retry },
      );
      const found = users.resources ?? [];
      if (found.length > 1) throw new IdentityError(`identity domain user ${ocid}: ${found.length} users share this OCID`, "bad_reply");
      const u = found[0];
      if (!u) return null;
      const email = u.emails?.find((e) => e.primary)?.value ?? u.emails?.[0]?.value;
      const user: IamUser = {
        id: u.ocid ?? ocid,
        name: u.userName,
        active: u.active !== false,
        blocked: u.urnIetfParamsScimSchemasOracleIdcsExtensionUserStateUser?.locked?.on === true,
      };
      if (email) user.email = email;
      return user;
    },
    async group(ocid) {
      const c = await getClient();
      const { groups } = await callOci(
        `identity domain group ${ocid}`,
        () => c.listGroups({ filter: byOcid(ocid), attributes: "ocid,displayName" }),
        { log: o.log, policy: o.retry },
      );
      const g = groups.resources?.[0];
      return g ? ({ id: g.ocid ?? ocid, name: g.displayName } satisfies IamGroup) : null;
    },
  };
}
