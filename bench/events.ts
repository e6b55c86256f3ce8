import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { BUNDLE_OPTIONS } from "../function/build/bundle";
import { SAMPLE_GROUPS, exampleEvent, type LocalStack } from "../test/support/local-stack";
import { ROOT, type Builds } from "./builds";
import { ms, ratio } from "./lib/markdown";
import type { Row } from "./lib/report";
import { summarize } from "./lib/summary";
import { applied, drive, type LoadOptions } from "./load";

export interface BenchUser {
  id: string;
  name: string;
  /** The user's number: user n is a member of SAMPLE_GROUPS[n % 2] (Readers or Writers). */
  n: number;
}

/** Users `bench.<n>@example.com`, n = from … from+count-1: every one new, so each event does real work. */
export function benchUsers(from: number, count: number): BenchUser[] {
  return Array.from({ length: count }, (_, i) => ({ id: `ocid1.user.oc1..aaaabench${from + i}`, name: `bench.${from + i}@example.com`, n: from + i }));
}

const groupOf = (u: BenchUser) => SAMPLE_GROUPS[u.n % 2];

/**
 * The IAM side knows the users and their memberships, as it does when their events fire: the function
 * reads both from the identity domain (events are only triggers). Each user is in the group its
 * addusertogroup event names, so the create event makes the account with those roles and the membership
 * event that follows finds it done.
 */
export function registerUsers(stack: LocalStack, users: readonly BenchUser[]): void {
  for (const u of users) {
    stack.oci.identity.addUser({ id: u.id, name: u.name, email: u.name });
    stack.oci.identity.addMember(groupOf(u).id, u.id);
  }
}

export function createUserEvent(u: BenchUser): Record<string, unknown> {
  const e = exampleEvent("createuser") as { eventID: string; data: { resourceName: string; resourceId: string; additionalDetails: Record<string, string> } };
  e.eventID = `bench-create-${u.id}`;
  e.data.resourceName = u.name;
  e.data.resourceId = u.id;
  e.data.additionalDetails = { userId: u.id };
  return e;
}

/**
 * Ids only, as IAM sends membership events: the function looks the group up. The group is the one the user
 * is registered in (whatever slice of users a stream is made of), so the function finds the membership at
 * once instead of waiting for IAM to show it; `n` numbers the membership.
 */
export function addToGroupEvent(u: BenchUser, n: number): Record<string, unknown> {
  const e = exampleEvent("addusertogroup") as { eventID: string; data: { resourceId: string; additionalDetails: Record<string, string> } };
  e.eventID = `bench-add-${u.id}`;
  e.data.resourceId = `ocid1.groupmembership.oc1..aaaabench${n}`;
  e.data.additionalDetails = { userId: u.id, groupId: groupOf(u).id };
  return e;
}

/** A user joins, then joins a mapped group: the two events that make up most of real traffic. */
export function eventStream(users: readonly BenchUser[]): Record<string, unknown>[] {
  return users.flatMap((u, i) => [createUserEvent(u), addToGroupEvent(u, i)]);
}

/**
 * Today's function (the `main` branch) bundled with our bundle's options, as the baseline the event
 * latency is compared with. undefined when this clone has no such ref (a shallow CI checkout) or that
 * tree does not build with this branch's node_modules.
 */
async function buildToday(dir: string, ref = "main"): Promise<string | undefined> {
  const tree = join(dir, "today-src");
  try {
    execFileSync("git", ["-C", ROOT, "worktree", "add", "--detach", tree, ref], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  try {
    const file = join(dir, "today", "func.js");
    await build({ ...BUNDLE_OPTIONS, entryPoints: [join(tree, "function/src/main.ts")], outfile: file, nodePaths: [join(ROOT, "node_modules")], logLevel: "silent" });
    return file;
  } catch {
    // main imports a package this branch no longer installs (undici, oci-identity…): no baseline to build.
    return undefined;
  } finally {
    execFileSync("git", ["-C", ROOT, "worktree", "remove", "--force", tree], { stdio: "ignore" });
  }
}

/**
 * p50/p99 per event over the fdk socket, ours (read the user from IAM, plan, one version-checked script)
 * against today's bundle (the event's payload applied as written), same event stream, same loopback servers.
 */
export async function benchEventLatency(builds: Builds, o: LoadOptions): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "iam-adb-sync-today-"));
  try {
    const today = await buildToday(dir);
    if (!today) return [];
    const ours = summarize((await drive(builds.ours.file, o, applied)).latencyMs);
    const base = summarize((await drive(today, o, applied)).latencyMs);
    const runs = `${o.rounds} × ${o.usersPerRound * 2} events`;
    return [
      { measure: "latency p50 per event vs today's function (main)", ours: ms(ours.median), baseline: ms(base.median), ratio: ratio(ours.median, base.median), runs, note: "goal ≤ 1.5×: ours reads the user from the identity domain first" },
      { measure: "latency p99 per event vs today's function (main)", ours: ms(ours.p99), baseline: ms(base.p99), ratio: ratio(ours.p99, base.p99), runs, note: `max ours ${ms(ours.max)}, today ${ms(base.max)}` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
