import type { ScimAttributeDefinition } from "./schemas";

/**
 * In-memory identity domain: users, groups and memberships. Records hold only what the server needs to render
 * SCIM resources (rendering is lazy, see resources.ts), so 100,000 users and 5,000 groups fit in about 90 MiB.
 */

export interface UserRecord {
  id: string;
  ocid: string;
  userName: string;
  givenName: string | undefined;
  familyName: string | undefined;
  displayName: string | undefined;
  email: string | undefined;
  title: string | undefined;
  /** Employee, Contractor, Intern, Temp, External, Service or Generic. */
  userType: string | undefined;
  employeeNumber: string | undefined;
  department: string | undefined;
  active: boolean;
  /** Identity-domain lock (urn:…:extension:userState:User locked.*). */
  locked: boolean;
  lockReason: number | undefined;
  lockDate: number | undefined;
  created: number;
  lastModified: number;
  version: number;
}

export interface GroupRecord {
  id: string;
  ocid: string;
  displayName: string;
  description: string | undefined;
  /** Member user ids in insertion order (a Set keeps membership checks O(1)). */
  members: Set<string>;
  created: number;
  lastModified: number;
  version: number;
}

export type UserInput = Partial<Omit<UserRecord, "id" | "ocid" | "created" | "lastModified" | "version">> & {
  userName: string;
};
export type GroupInput = { displayName: string; description?: string; members?: Iterable<string> };

/** A request the store refuses; the server turns it into a SCIM error with this status and scimType. */
export class ScimConflict extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly scimType?: string,
  ) {
    super(message);
  }
}

/** murmur3's 32-bit finaliser: spreads consecutive counters over the whole range. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Identity domains use 32 lower-case hex digits for ids. Deterministic and unique per counter (the last 8
 * digits are a bijection of it), and cheap enough for 100,000 users.
 */
function hexId(kind: number, n: number): string {
  const b = Buffer.allocUnsafe(16);
  b.writeUInt32BE(mix(n ^ kind), 0);
  b.writeUInt32BE(mix(n + 0x9e3779b9 + kind), 4);
  b.writeUInt32BE(mix(n * 31 + kind), 8);
  b.writeUInt32BE(mix(n), 12);
  return b.toString("hex");
}

/** The descriptive fields a create or a full replace (PUT) takes as given. */
function profileOf(input: UserInput) {
  const { userName, givenName, familyName, displayName, email, title, userType, employeeNumber, department } = input;
  return { userName, givenName, familyName, displayName, email, title, userType, employeeNumber, department };
}

export class ScimStore {
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  /** user id → ids of the groups it belongs to (reverse index for user.groups and members.value filters). */
  readonly memberOf = new Map<string, Set<string>>();
  /** Attributes of the identity domain's custom user schema (urn:…:idcs:extension:custom:User), as /Schemas lists them. */
  readonly customAttributes: ScimAttributeDefinition[] = [];
  /** user id → its values of those attributes (rendered under the custom schema's URN). */
  readonly customValues = new Map<string, Record<string, unknown>>();
  private readonly userNames = new Map<string, string>();
  private readonly groupNames = new Map<string, string>();
  private readonly ocids = new Map<string, string>();
  private seq = 0;
  /** Bumped by every change through the store: what a cached listing order is valid for. */
  revision = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** `ocid` lets a test give the user the OCID IAM events carry for it (generated otherwise). */
  createUser(input: UserInput & { ocid?: string }): UserRecord {
    const key = input.userName.toLowerCase();
    if (this.userNames.has(key)) throw new ScimConflict(`userName ${input.userName} is already in use`, 409, "uniqueness");
    const n = ++this.seq;
    const t = this.now();
    const user: UserRecord = {
      id: hexId(0x5553, n),
      ocid: input.ocid ?? `ocid1.user.oc1..aaaaaaaa${n.toString(36).padStart(12, "0")}`,
      ...profileOf(input),
      active: input.active ?? true,
      locked: input.locked ?? false,
      lockReason: input.lockReason,
      lockDate: input.lockDate,
      created: t,
      lastModified: t,
      version: 1,
    };
    this.revision++;
    this.users.set(user.id, user);
    this.userNames.set(key, user.id);
    this.ocids.set(user.ocid, user.id);
    return user;
  }

  /** Replaces the mutable fields of a user (PUT); userName may change if the new one is free. */
  replaceUser(id: string, input: UserInput): UserRecord {
    const user = this.requireUser(id);
    const newKey = input.userName.toLowerCase();
    const holder = this.userNames.get(newKey);
    if (holder !== undefined && holder !== id) {
      throw new ScimConflict(`userName ${input.userName} is already in use`, 409, "uniqueness");
    }
    this.userNames.delete(user.userName.toLowerCase());
    this.userNames.set(newKey, id);
    Object.assign(user, {
      ...profileOf(input),
      active: input.active ?? user.active,
      locked: input.locked ?? user.locked,
      lockReason: input.lockReason ?? user.lockReason,
      lockDate: input.lockDate ?? user.lockDate,
    });
    this.touch(user);
    return user;
  }

  /** Changes single fields in place (PATCH and test set-up). */
  updateUser(id: string, change: Partial<UserInput>): UserRecord {
    const user = this.requireUser(id);
    if (change.userName !== undefined && change.userName !== user.userName) {
      return this.replaceUser(id, { ...user, ...change, userName: change.userName });
    }
    Object.assign(user, change);
    this.touch(user);
    return user;
  }

  deleteUser(id: string): void {
    const user = this.requireUser(id);
    this.revision++;
    for (const gid of this.memberOf.get(id) ?? []) this.groups.get(gid)?.members.delete(id);
    this.memberOf.delete(id);
    this.customValues.delete(id);
    this.users.delete(id);
    this.userNames.delete(user.userName.toLowerCase());
    this.ocids.delete(user.ocid);
  }

  createGroup(input: GroupInput): GroupRecord {
    const key = input.displayName.toLowerCase();
    if (this.groupNames.has(key)) {
      throw new ScimConflict(`displayName ${input.displayName} is already in use`, 409, "uniqueness");
    }
    const n = ++this.seq;
    const t = this.now();
    const group: GroupRecord = {
      id: hexId(0x4752, n),
      ocid: `ocid1.group.oc1..aaaaaaaa${n.toString(36).padStart(12, "0")}`,
      displayName: input.displayName,
      description: input.description,
      members: new Set(),
      created: t,
      lastModified: t,
      version: 1,
    };
    this.revision++;
    this.groups.set(group.id, group);
    this.groupNames.set(key, group.id);
    this.ocids.set(group.ocid, group.id);
    if (input.members) this.addMembers(group.id, input.members);
    return group;
  }

  renameGroup(id: string, displayName: string, description?: string): GroupRecord {
    const group = this.requireGroup(id);
    const key = displayName.toLowerCase();
    const holder = this.groupNames.get(key);
    if (holder !== undefined && holder !== id) {
      throw new ScimConflict(`displayName ${displayName} is already in use`, 409, "uniqueness");
    }
    this.groupNames.delete(group.displayName.toLowerCase());
    this.groupNames.set(key, id);
    group.displayName = displayName;
    group.description = description;
    this.touch(group);
    return group;
  }

  deleteGroup(id: string): void {
    const group = this.requireGroup(id);
    this.revision++;
    for (const uid of group.members) this.memberOf.get(uid)?.delete(id);
    this.groups.delete(id);
    this.groupNames.delete(group.displayName.toLowerCase());
    this.ocids.delete(group.ocid);
  }

  /** Adds users to a group; unknown user ids are refused before anything changes. */
  addMembers(groupId: string, userIds: Iterable<string>): void {
    const group = this.requireGroup(groupId);
    const ids = [...userIds];
    const unknown = ids.find((u) => !this.users.has(u));
    if (unknown !== undefined) throw new ScimConflict(`member ${unknown} is not a user of this domain`, 400, "invalidValue");
    for (const uid of ids) {
      group.members.add(uid);
      let set = this.memberOf.get(uid);
      if (!set) this.memberOf.set(uid, (set = new Set()));
      set.add(groupId);
    }
    this.touch(group);
  }

  removeMembers(groupId: string, userIds: Iterable<string>): void {
    const group = this.requireGroup(groupId);
    for (const uid of userIds) {
      group.members.delete(uid);
      this.memberOf.get(uid)?.delete(groupId);
    }
    this.touch(group);
  }

  /** Replaces the member list (PUT of a group, PATCH replace members). */
  setMembers(groupId: string, userIds: Iterable<string>): void {
    const group = this.requireGroup(groupId);
    const ids = [...userIds];
    const unknown = ids.find((u) => !this.users.has(u));
    if (unknown !== undefined) throw new ScimConflict(`member ${unknown} is not a user of this domain`, 400, "invalidValue");
    this.removeMembers(groupId, [...group.members]);
    this.addMembers(groupId, ids);
  }

  userByName(userName: string): UserRecord | undefined {
    const id = this.userNames.get(userName.toLowerCase());
    return id === undefined ? undefined : this.users.get(id);
  }

  groupByName(displayName: string): GroupRecord | undefined {
    const id = this.groupNames.get(displayName.toLowerCase());
    return id === undefined ? undefined : this.groups.get(id);
  }

  /** Resource id for an OCID (users and groups), for the ocid eq filter fast path. */
  idForOcid(ocid: string): string | undefined {
    return this.ocids.get(ocid);
  }

  requireUser(id: string): UserRecord {
    const user = this.users.get(id);
    if (!user) throw new ScimConflict(`User ${id} not found`, 404);
    return user;
  }

  requireGroup(id: string): GroupRecord {
    const group = this.groups.get(id);
    if (!group) throw new ScimConflict(`Group ${id} not found`, 404);
    return group;
  }

  private touch(r: { lastModified: number; version: number }): void {
    this.revision++;
    r.lastModified = this.now();
    r.version++;
  }
}
