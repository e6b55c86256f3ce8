import type { IamEvent } from "../events/parse";
import type { RegistryRow } from "../plan/ops";
import type { DesiredAccount } from "../plan/planner";
import type { DbIdentifier } from "../sql/quote";

export interface Resolved {
  /** IAM user name, from the event, the registry or a look-up; needed only to create an account. */
  userName?: string;
  dbUsername?: DbIdentifier;
  /** Mapping key of the event's group (membership events on mapped groups only). */
  groupKey?: string;
  /** user.state: whether the user is blocked now. */
  blocked?: boolean;
}

/**
 * What the event asks of the account, stated as a whole desired account so the shared planner can diff it.
 * undefined: the event needs no change (e.g. a removal for a user the product never provisioned).
 * A membership that arrives before the user's create event creates the account: the membership proves the
 * IAM user exists, and the later create event then finds the account and changes nothing.
 */
export function desiredFromEvent(event: IamEvent, actual: RegistryRow | null, r: Resolved): DesiredAccount | null | undefined {
  if (event.action === "user.deleted") return null;
  const base = (): DesiredAccount | undefined => {
    const name = r.userName ?? actual?.iamUserName;
    const dbUsername = actual?.dbUsername ?? r.dbUsername;
    if (!name || !dbUsername) return undefined;
    return {
      iamUserId: event.user.id,
      iamUserName: name,
      dbUsername,
      groups: actual ? [...actual.groups] : [],
      blocked: actual ? actual.status === "LOCKED" : false,
    };
  };
  switch (event.action) {
    case "user.created":
      return base();
    case "member.added": {
      const d = base();
      if (d && r.groupKey && !d.groups.includes(r.groupKey)) d.groups.push(r.groupKey);
      return d;
    }
    case "member.removed": {
      if (!actual) return undefined;
      const d = base();
      if (d) d.groups = d.groups.filter((g) => g !== r.groupKey);
      return d;
    }
    case "user.state": {
      if (!actual || r.blocked === undefined) return undefined;
      const d = base();
      if (d) d.blocked = r.blocked;
      return d;
    }
  }
}
