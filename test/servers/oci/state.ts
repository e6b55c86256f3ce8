import { createHash, randomUUID } from "node:crypto";

/** Vault: secret OCID → current version's content (base64, exactly as the service stores it). */
export class SecretStore {
  private readonly items = new Map<string, { content: string; version: number }>();
  /** Stores text as the service would: UTF-8, base64-encoded; a new call makes a new version. */
  set(ocid: string, text: string): void {
    this.setRaw(ocid, Buffer.from(text, "utf8").toString("base64"));
  }
  /** Stores content verbatim (lets a test plant content that is not valid base64). */
  setRaw(ocid: string, base64: string): void {
    this.items.set(ocid, { content: base64, version: (this.items.get(ocid)?.version ?? 0) + 1 });
  }
  delete(ocid: string): void {
    this.items.delete(ocid);
  }
  get(ocid: string): { content: string; version: number } | undefined {
    return this.items.get(ocid);
  }
}

export interface StoredObject {
  body: Buffer;
  etag: string;
  md5: string;
  contentType: string;
  timeCreated: Date;
}

/** Object Storage: one namespace, explicit buckets, objects keyed by name within a bucket. */
export class ObjectStore {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();
  constructor(readonly namespace: string) {}
  createBucket(name: string): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
  }
  bucket(name: string): Map<string, StoredObject> | undefined {
    return this.buckets.get(name);
  }
  /** Object names in a bucket, sorted (Object Storage lists lexicographically). */
  list(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])].sort();
  }
  get(bucket: string, name: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(name);
  }
  /** Parsed JSON of every object in a bucket, in name order. */
  json(bucket: string): unknown[] {
    return this.list(bucket).map((n) => JSON.parse(this.get(bucket, n)!.body.toString("utf8")) as unknown);
  }
  put(bucket: string, name: string, body: Buffer, contentType: string): StoredObject {
    const obj: StoredObject = {
      body,
      etag: randomUUID(),
      md5: createHash("md5").update(body).digest("base64"),
      contentType,
      timeCreated: new Date(),
    };
    this.buckets.get(bucket)!.set(name, obj);
    return obj;
  }
}

export interface UserSeed {
  /** Legacy IAM user OCID (also the identity domain user's `ocid` attribute). */
  id: string;
  name: string;
  email?: string;
  /** Identity domain SCIM id; generated when absent. */
  scimId?: string;
  /** false: the account is disabled (legacy lifecycleState INACTIVE, domain active=false). */
  active?: boolean;
  /** true: locked out (legacy inactiveStatus bit 2 BLOCKED, domain userState locked.on). */
  blocked?: boolean;
}
export type UserState = Required<Omit<UserSeed, "email">> & { email?: string; created: Date };

export interface GroupSeed {
  id: string;
  name: string;
  scimId?: string;
}
export type GroupState = Required<GroupSeed> & { created: Date };

const scimId = () => randomUUID().replace(/-/g, "");

/**
 * Eventual consistency of the identity domain's read side: a user or a membership made while this is set
 * stays invisible to reads until it has been asked for `reads` times and `ms` have passed (both, when both
 * are set). The write itself is immediate; only the API answers lag, as right after an IAM event.
 */
export interface Lag {
  reads?: number;
  ms?: number;
}

interface Pending {
  readsLeft: number;
  until: number;
}

export interface Membership {
  /** Legacy IAM membership OCID (`ocid1.groupmembership…`). */
  id: string;
  userId: string;
  groupId: string;
  created: Date;
}

/** IAM users, groups and memberships, served by both the legacy IAM API and the identity domain SCIM API. */
export class IdentityStore {
  readonly users = new Map<string, UserState>();
  readonly groups = new Map<string, GroupState>();
  /** user OCID → group OCID → membership. */
  readonly memberships = new Map<string, Map<string, Membership>>();
  /** Lag applied to users and memberships made from now on; undefined: reads see writes at once. */
  lag: Lag | undefined;
  private readonly pending = new Map<string, Pending>();

  addUser(u: UserSeed): UserState {
    const state: UserState = { scimId: scimId(), active: true, blocked: false, ...u, created: new Date() };
    this.users.set(u.id, state);
    this.delay(`u:${u.id}`);
    return state;
  }
  addGroup(g: GroupSeed): GroupState {
    const state: GroupState = { scimId: scimId(), ...g, created: new Date() };
    this.groups.set(g.id, state);
    return state;
  }
  /** Deletes the user and their memberships (OCIDs are never reused). */
  deleteUser(id: string): void {
    this.users.delete(id);
    this.memberships.delete(id);
  }
  addMember(groupId: string, userId: string): Membership {
    if (!this.users.has(userId) || !this.groups.has(groupId)) throw new Error(`addMember: unknown user ${userId} or group ${groupId}`);
    let of = this.memberships.get(userId);
    if (!of) this.memberships.set(userId, (of = new Map()));
    const existing = of.get(groupId);
    if (existing) return existing;
    const m: Membership = { id: `ocid1.groupmembership.oc1..${randomUUID().replace(/-/g, "")}`, userId, groupId, created: new Date() };
    of.set(groupId, m);
    this.delay(`m:${userId}:${groupId}`);
    return m;
  }
  removeMember(groupId: string, userId: string): void {
    this.memberships.get(userId)?.delete(groupId);
  }

  /** The user as a read sees it now (counts the read against any lag). */
  readUser(id: string): UserState | undefined {
    const u = this.users.get(id);
    return u && this.visible(`u:${id}`) ? u : undefined;
  }
  /** The user's memberships as a read sees them now. */
  readMemberships(userId: string): Membership[] {
    return [...(this.memberships.get(userId)?.values() ?? [])].filter((m) => this.visible(`m:${userId}:${m.groupId}`));
  }

  private delay(key: string): void {
    if (!this.lag) return;
    this.pending.set(key, { readsLeft: this.lag.reads ?? 0, until: Date.now() + (this.lag.ms ?? 0) });
  }

  private visible(key: string): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    if (p.readsLeft <= 0 && Date.now() >= p.until) {
      this.pending.delete(key);
      return true;
    }
    p.readsLeft--;
    return false;
  }
}

export interface FaultSpec {
  /** HTTP status to answer with (ignored when drop is set). */
  status?: number;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** Only requests whose path contains this text. */
  match?: string;
  /** Close the connection without answering (a network failure). */
  drop?: boolean;
  /** Carry the request out, then close the connection without answering (the reply is lost). */
  loseReply?: boolean;
  /** Answer with this JSON body (status 200 unless given) instead of the API's own: a reply to refuse. */
  json?: unknown;
}

/** Queued failures, consumed in order by matching requests. */
export class Faults {
  private readonly queue: Array<Required<Omit<FaultSpec, "match" | "json">> & Pick<FaultSpec, "match" | "json">> = [];
  next(spec: FaultSpec): void {
    this.queue.push({ status: "json" in spec ? 200 : 503, times: 1, drop: false, loseReply: false, ...spec });
  }
  clear(): void {
    this.queue.length = 0;
  }
  /** The fault for this request, if any (and uses it up). */
  take(path: string): { status: number; drop: boolean; loseReply: boolean; json?: unknown } | undefined {
    const i = this.queue.findIndex((f) => f.match === undefined || path.includes(f.match));
    if (i < 0) return undefined;
    const f = this.queue[i];
    if (--f.times <= 0) this.queue.splice(i, 1);
    return { status: f.status, drop: f.drop, loseReply: f.loseReply, ...("json" in f ? { json: f.json } : {}) };
  }
}

export interface RequestRecord {
  op: string;
  method: string;
  path: string;
  status: number;
  /** Request headers except authorization. */
  headers: Record<string, string | string[] | undefined>;
}

/** Request counters per operation, plus a log of what was asked (for header checks). */
export class Stats {
  readonly requests: RequestRecord[] = [];
  /** Requests refused for a missing or bad signature. */
  unauthorized = 0;
  count(op: string): number {
    return this.requests.filter((r) => r.op === op).length;
  }
  reset(): void {
    this.requests.length = 0;
    this.unauthorized = 0;
  }
}
