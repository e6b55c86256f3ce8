/**
 * Seeded random histories of IAM changes and of what the Events service delivers for them: concurrent,
 * duplicated, reordered, stale (after delete), forged (payload disagrees with IAM) and dropped events over
 * overlapping users (two of them collide on one database name, one is named like a role, one like a foreign
 * schema). Pure: the same seed gives the same history.
 */
export const TENANCY = "ocid1.tenancy.oc1..aaaatenancy";
export const GROUPS = {
  readers: { id: "ocid1.group.oc1..histreaders", name: "DB-Readers" },
  writers: { id: "ocid1.group.oc1..histwriters", name: "DB-Writers" },
  marketing: { id: "ocid1.group.oc1..histmarketing", name: "Marketing" },
} as const;
export type GroupKey = keyof typeof GROUPS;

/** IAM user names the histories draw from; `dee.x`/`dee_x` collide, `sales_read` is a role, `hr` a foreign schema. */
const NAMES = ["ana", "ben.k", "dee.x", "dee_x", "sales_read", "hr"];

export type IamChange =
  | { k: "create"; user: number }
  | { k: "add" | "remove"; user: number; group: GroupKey }
  | { k: "block" | "unblock"; user: number }
  | { k: "delete"; user: number };

export interface HistoryUser {
  id: string;
  name: string;
}

/** One delivery: an event body, and the batch it is sent in (a batch goes out concurrently). */
export interface Delivery {
  batch: number;
  event: Record<string, unknown>;
  /** Why it is there, for the failure report. */
  kind: "normal" | "duplicate" | "reordered" | "stale" | "forged";
  /** Index of the IAM change that must be applied before this delivery (-1: none). */
  after: number;
}

export interface History {
  seed: number;
  users: HistoryUser[];
  changes: IamChange[];
  deliveries: Delivery[];
  /** Changes whose event was dropped (the reconcile run must catch them up). */
  dropped: number[];
  /** Reads a new user or membership stays invisible for (eventual consistency; 0: none). */
  lagReads: number;
}

/** mulberry32: small, fast, good enough to spread choices. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateHistory(seed: number, o: { changes?: number } = {}): History {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const names = [...NAMES].sort(() => r() - 0.5).slice(0, 3 + Math.floor(r() * 2));
  if (r() < 0.5 && !names.includes("dee.x")) names[0] = "dee.x";
  if (r() < 0.5 && !names.includes("dee_x")) names[names.length - 1] = "dee_x";
  const users = names.map((name, i) => ({ id: `ocid1.user.oc1..h${seed}u${i}`, name }));

  // The IAM side: a plausible sequence (create first, never recreate a deleted OCID).
  const state = users.map(() => ({ created: false, deleted: false, blocked: false, groups: new Set<GroupKey>() }));
  const changes: IamChange[] = [];
  const target = o.changes ?? 6 + Math.floor(r() * 7);
  for (let guard = 0; changes.length < target && guard < 200; guard++) {
    const u = Math.floor(r() * users.length);
    const s = state[u];
    if (s.deleted) continue;
    if (!s.created) {
      changes.push({ k: "create", user: u });
      s.created = true;
      continue;
    }
    const roll = r();
    if (roll < 0.45) {
      const g = pick(Object.keys(GROUPS) as GroupKey[]);
      if (s.groups.has(g)) {
        changes.push({ k: "remove", user: u, group: g });
        s.groups.delete(g);
      } else {
        changes.push({ k: "add", user: u, group: g });
        s.groups.add(g);
      }
    } else if (roll < 0.7) {
      changes.push({ k: s.blocked ? "unblock" : "block", user: u });
      s.blocked = !s.blocked;
    } else if (roll < 0.82) {
      changes.push({ k: "delete", user: u });
      s.deleted = true;
    }
  }

  // The delivery side.
  const deliveries: Delivery[] = [];
  const dropped: number[] = [];
  let batch = 0;
  changes.forEach((c, i) => {
    if (r() < 0.5) batch++; // else: concurrent with the previous delivery
    if (r() < 0.1) {
      dropped.push(i);
      return;
    }
    const event = eventFor(c, users, `h${seed}-e${i}`);
    const reordered = r() < 0.12;
    deliveries.push({ batch: reordered ? batch + 1 : batch, event, kind: reordered ? "reordered" : "normal", after: i });
    if (r() < 0.15) deliveries.push({ batch: batch + 1 + Math.floor(r() * 3), event, kind: "duplicate", after: i });
  });
  const last = changes.length - 1;
  // Stale: an old event for a deleted user, redelivered after the delete.
  changes.forEach((c, i) => {
    if (c.k !== "delete") return;
    const old = changes.findIndex((x, j) => j < i && x.user === c.user && x.k !== "delete");
    if (old >= 0 && r() < 0.7) deliveries.push({ batch: batch + 1, event: eventFor(changes[old], users, `h${seed}-stale${i}`), kind: "stale", after: last });
  });
  // Forged: payloads IAM disagrees with.
  if (r() < 0.6) {
    const u = Math.floor(r() * users.length);
    const forged = pick([
      eventFor({ k: "add", user: u, group: "writers" }, users, `h${seed}-forged-add`),
      eventFor({ k: "create", user: u }, [...users.slice(0, u), { id: `ocid1.user.oc1..h${seed}mallory`, name: "mallory" }, ...users.slice(u + 1)], `h${seed}-forged-create`),
      eventFor({ k: "delete", user: u }, users, `h${seed}-forged-delete`),
      eventFor({ k: "unblock", user: u }, users, `h${seed}-forged-unblock`),
    ]);
    deliveries.push({ batch: Math.floor(r() * (batch + 2)), event: forged, kind: "forged", after: -1 });
  }
  // A forged event can only be judged against IAM's truth at its batch: it still names real ids.
  deliveries.sort((a, b) => a.batch - b.batch);
  return { seed, users, changes, deliveries, dropped, lagReads: r() < 0.2 ? 1 : 0 };
}

const TYPES: Record<IamChange["k"], string> = {
  create: "createuser",
  add: "addusertogroup",
  remove: "removeuserfromgroup",
  block: "updateuserstate",
  unblock: "updateuserstate",
  delete: "deleteuser",
};

/** The event IAM would emit for a change (shapes as in examples/events). */
export function eventFor(c: IamChange, users: HistoryUser[], eventId: string): Record<string, unknown> {
  const u = users[c.user];
  const details: Record<string, unknown> = { userId: u.id };
  let resourceId = u.id;
  let resourceName: string | null = c.k === "delete" ? null : u.name;
  if (c.k === "add" || c.k === "remove") {
    details.groupId = GROUPS[c.group].id;
    resourceId = `ocid1.groupmembership.oc1..${eventId}`;
    resourceName = null;
  }
  if (c.k === "block" || c.k === "unblock") details.blocked = c.k === "block";
  return {
    eventType: `com.oraclecloud.identitycontrolplane.${TYPES[c.k]}`,
    cloudEventsVersion: "0.1",
    eventTypeVersion: "2.0",
    source: "IdentityControlPlane",
    eventID: eventId,
    eventTime: "2026-11-02T09:00:00Z",
    contentType: "application/json",
    extensions: { compartmentId: TENANCY },
    data: { compartmentId: TENANCY, resourceName, resourceId, additionalDetails: details },
  };
}
