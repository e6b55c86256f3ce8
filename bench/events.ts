import { SAMPLE_GROUPS, exampleEvent, type LocalStack } from "../test/support/local-stack";

export interface BenchUser {
  id: string;
  name: string;
}

/** Users `bench.<n>@example.com`, n = from … from+count-1: every one new, so each event does real work. */
export function benchUsers(from: number, count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => ({ id: `ocid1.user.oc1..aaaabench${from + i}`, name: `bench.${from + i}@example.com` }));
}

/** The IAM side knows the users, as it would when their events fire (group look-ups by OCID need it). */
export function registerUsers(stack: LocalStack, users: readonly BenchUser[]): void {
  for (const u of users) stack.oci.identity.addUser({ ...u, email: u.name });
}

export function createUserEvent(u: BenchUser): Record<string, unknown> {
  const e = exampleEvent("createuser") as { eventID: string; data: { resourceName: string; resourceId: string; additionalDetails: Record<string, string> } };
  e.eventID = `bench-create-${u.id}`;
  e.data.resourceName = u.name;
  e.data.resourceId = u.id;
  e.data.additionalDetails = { userId: u.id };
  return e;
}

/** Ids only, as IAM sends membership events: the function looks the group up. Groups alternate Readers/Writers. */
export function addToGroupEvent(u: BenchUser, n: number): Record<string, unknown> {
  const e = exampleEvent("addusertogroup") as { eventID: string; data: { resourceId: string; additionalDetails: Record<string, string> } };
  e.eventID = `bench-add-${u.id}`;
  e.data.resourceId = `ocid1.groupmembership.oc1..aaaabench${n}`;
  e.data.additionalDetails = { userId: u.id, groupId: SAMPLE_GROUPS[n % 2].id };
  return e;
}

/** A user joins, then joins a mapped group: the two events that make up most of real traffic. */
export function eventStream(users: readonly BenchUser[]): Record<string, unknown>[] {
  return users.flatMap((u, i) => [createUserEvent(u), addToGroupEvent(u, i)]);
}
