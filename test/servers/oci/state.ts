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

/** IAM users and groups, served by both the legacy IAM API and the identity domain SCIM API. */
export class IdentityStore {
  readonly users = new Map<string, UserState>();
  readonly groups = new Map<string, GroupState>();
  /** User OCID → OCIDs of the groups it is in. */
  readonly memberships = new Map<string, Set<string>>();
  addMember(userId: string, groupId: string): void {
    let set = this.memberships.get(userId);
    if (!set) this.memberships.set(userId, (set = new Set()));
    set.add(groupId);
  }
  removeMember(userId: string, groupId: string): void {
    this.memberships.get(userId)?.delete(groupId);
  }
  deleteUser(userId: string): void {
    this.users.delete(userId);
    this.memberships.delete(userId);
  }
  groupsOf(userId: string): GroupState[] {
    return [...(this.memberships.get(userId) ?? [])].flatMap((g) => this.groups.get(g) ?? []);
  }
  addUser(u: UserSeed): UserState {
    const state: UserState = { scimId: scimId(), active: true, blocked: false, ...u, created: new Date() };
    this.users.set(u.id, state);
    return state;
  }
  addGroup(g: GroupSeed): GroupState {
    const state: GroupState = { scimId: scimId(), ...g, created: new Date() };
    this.groups.set(g.id, state);
    return state;
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
}

/** Queued failures, consumed in order by matching requests. */
export class Faults {
  private readonly queue: Array<Required<Omit<FaultSpec, "match">> & { match?: string }> = [];
  next(spec: FaultSpec): void {
    this.queue.push({ status: 503, times: 1, drop: false, loseReply: false, ...spec });
  }
  clear(): void {
    this.queue.length = 0;
  }
  /** The fault for this request, if any (and uses it up). */
  take(path: string): { status: number; drop: boolean; loseReply: boolean } | undefined {
    const i = this.queue.findIndex((f) => f.match === undefined || path.includes(f.match));
    if (i < 0) return undefined;
    const f = this.queue[i];
    if (--f.times <= 0) this.queue.splice(i, 1);
    return { status: f.status, drop: f.drop, loseReply: f.loseReply };
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
