import type { ScimStore } from "./store";

export interface SeedOptions {
  users: number;
  groups: number;
  /** Each user joins this many groups (round-robin over the groups, so membership is even). Default 2. */
  groupsPerUser?: number;
  /** Every n-th user (n ≥ 1) is inactive; 0 for none. Default 0. */
  inactiveEvery?: number;
  /** Every n-th user is locked; 0 for none. Default 0. */
  lockedEvery?: number;
  /** Names: user `${userPrefix}${i}` (i from 1), group `${groupPrefix}${i}`. */
  userPrefix?: string;
  groupPrefix?: string;
  emailDomain?: string;
}

export interface SeedResult {
  userIds: string[];
  groupIds: string[];
  memberships: number;
}

/**
 * Fills the store with a synthetic directory: deterministic names, ids and memberships, no per-user closures
 * or rendered JSON: 100,000 users and 5,000 groups cost about 90 MiB of heap.
 */
export function seedDirectory(store: ScimStore, o: SeedOptions): SeedResult {
  const { groupsPerUser = 2, inactiveEvery = 0, lockedEvery = 0, userPrefix = "user", groupPrefix = "group", emailDomain = "example.com" } = o;
  const groupIds: string[] = [];
  for (let g = 1; g <= o.groups; g++) {
    groupIds.push(store.createGroup({ displayName: `${groupPrefix}${g}`, description: `Seeded group ${g}` }).id);
  }
  const userIds: string[] = [];
  // Members are collected per group and added in one call each: 5,000 calls instead of 200,000.
  const members: string[][] = groupIds.map(() => []);
  const n = Math.min(groupsPerUser, groupIds.length);
  for (let i = 1; i <= o.users; i++) {
    const mail = `${userPrefix}${i}@${emailDomain}`;
    const user = store.createUser({
      userName: mail,
      givenName: "Given",
      familyName: `Family${i}`,
      displayName: `Given Family${i}`,
      email: mail,
      userType: "Employee",
      employeeNumber: String(100000 + i),
      active: !(inactiveEvery > 0 && i % inactiveEvery === 0),
      locked: lockedEvery > 0 && i % lockedEvery === 0,
      lockReason: lockedEvery > 0 && i % lockedEvery === 0 ? 1 : undefined,
    });
    userIds.push(user.id);
    // Spread memberships: consecutive users land in different groups.
    for (let k = 0; k < n; k++) members[(i * n + k) % groupIds.length].push(user.id);
  }
  let memberships = 0;
  groupIds.forEach((gid, g) => {
    store.addMembers(gid, members[g]);
    memberships += members[g].length;
  });
  return { userIds, groupIds, memberships };
}
