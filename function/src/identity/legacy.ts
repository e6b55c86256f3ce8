import type { Logger } from "../log/logger";
import { callOci, OciRequestError } from "../oci/call";
import { lazySdkClient } from "../oci/client";
import type { RetryPolicy } from "../net/retry";
import type { IamGroup, IamUser, IdentityLookup } from "./types";

/** inactiveStatus bit 2: the user exceeded the Console's failed-login limit. */
const BLOCKED_BIT = 0b100;

/** Look-ups through the IAM API (oci-identity): GET /20160918/users/{id} and /groups/{id}. */
export function legacyIdentityLookup(o: { endpoint?: string; log: Logger; retry?: RetryPolicy }): IdentityLookup {
  const getClient = lazySdkClient(async () => (await import("oci-identity")).IdentityClient, o.endpoint);
  return {
    async user(ocid) {
      const c = await getClient();
      const res = await orNull(callOci(`IAM user ${ocid}`, () => c.getUser({ userId: ocid }), { log: o.log, policy: o.retry }));
      if (!res) return null;
      const u = res.user;
      const user: IamUser = {
        id: u.id,
        name: u.name,
        active: u.lifecycleState === "ACTIVE",
        blocked: ((u.inactiveStatus ?? 0) & BLOCKED_BIT) !== 0,
      };
      if (u.email) user.email = u.email;
      return user;
    },
    async group(ocid) {
      const c = await getClient();
      const res = await orNull(callOci(`IAM group ${ocid}`, () => c.getGroup({ groupId: ocid }), { log: o.log, policy: o.retry }));
      return res ? ({ id: res.group.id, name: res.group.name } satisfies IamGroup) : null;
    },
  };
}

/**
 * 404 NotAuthorizedOrNotFound becomes null: a deleted user is the usual reason. A missing policy looks the
 * same to OCI callers; the lead's resolver treats a null for a create event as an error worth reporting.
 */
async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof OciRequestError && err.status === 404) return null;
    throw err;
  }
}
