import type { ProvisionConfig } from "../config/load";
import type { IamEvent } from "../events/parse";
import type { IdentityLookup } from "../identity";
import { dbUsernameFor } from "../naming/db-username";

export type GroupResolution = { key: string } | { ignored: string };

/**
 * The mapping key of the event's group: its OCID when the mapping is keyed by OCID, else its name (from the
 * event or looked up). Groups outside the mapping have no effect.
 */
export async function resolveGroup(event: IamEvent, cfg: ProvisionConfig, identity: IdentityLookup): Promise<GroupResolution> {
  const group = event.group;
  if (!group) return { ignored: "event has no group" };
  if (cfg.mapping.has(group.id)) return { key: group.id };
  let name = group.name;
  if (!name) {
    if (!cfg.NAME_LOOKUP) return { ignored: `group ${group.id} is not in GROUP_ROLE_MAP by OCID and the event carries no name (NAME_LOOKUP is off)` };
    const found = await identity.group(group.id);
    if (!found) return { ignored: `group ${group.id} no longer exists in IAM` };
    name = found.name;
  }
  return cfg.mapping.has(name) ? { key: name } : { ignored: `group ${JSON.stringify(name)} is not in GROUP_ROLE_MAP` };
}

/** The IAM user name: from the event, else from IAM (needed only to create an account). */
export async function resolveUserName(event: IamEvent, cfg: ProvisionConfig, identity: IdentityLookup): Promise<string | undefined> {
  if (event.user.name) return event.user.name;
  if (!cfg.NAME_LOOKUP) return undefined;
  return (await identity.user(event.user.id))?.name;
}

/** user.state events without a readable state: ask IAM. */
export async function resolveBlocked(event: IamEvent, identity: IdentityLookup): Promise<boolean | undefined> {
  if (event.blocked !== undefined) return event.blocked;
  const user = await identity.user(event.user.id);
  return user ? user.blocked || !user.active : undefined;
}

export function dbNameFor(userName: string, cfg: ProvisionConfig) {
  return dbUsernameFor(userName, cfg.NAMING_RULE, cfg.NAME_PREFIX);
}
