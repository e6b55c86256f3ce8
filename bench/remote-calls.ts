import type { Builds } from "./builds";
import { addToGroupEvent, benchUsers, createUserEvent, registerUsers } from "./events";
import { markdownTable } from "./lib/markdown";
import type { Section } from "./lib/report";
import { startLocalStack, type LocalStack } from "../test/support/local-stack";

const COLUMNS = ["Vault secret", "ORDS token", "ORDS SQL", "Object Storage (audit)", "IAM look-ups"] as const;
type Counts = Record<(typeof COLUMNS)[number], number>;

/** What the loopback servers saw, by the remote API the function called. */
function counts(stack: LocalStack): Counts {
  const oci = (...ops: string[]) => ops.reduce((n, op) => n + stack.oci.stats.count(op), 0);
  return {
    "Vault secret": oci("secrets.getSecretBundle"),
    "ORDS token": stack.ords.stats.tokenRequests,
    "ORDS SQL": stack.ords.stats.sqlRequests,
    "Object Storage (audit)": oci("objectstorage.getNamespace", "objectstorage.putObject"),
    "IAM look-ups": oci("identity.getUser", "identity.listUserGroupMemberships", "identity.getGroup", "domains.listUsers", "domains.listGroups"),
  };
}

/** Counts the remote calls of `send()`'s events, per event. */
async function perEvent(stack: LocalStack, events: Record<string, unknown>[]): Promise<Counts> {
  stack.ords.stats.reset();
  stack.oci.stats.reset();
  for (const e of events) {
    const reply = await stack.send(e);
    if (reply.status !== 200) throw new Error(`event ${String(e.eventID)}: ${reply.status} ${reply.body.slice(0, 300)}`);
  }
  const c = counts(stack);
  for (const k of COLUMNS) c[k] /= events.length;
  return c;
}

/**
 * Remote calls per event, cold and warm, counted by the loopback ORDS and OCI servers (exact counts, not
 * timings). Cold is a fresh function process: its first event fetches the secret and a token.
 */
export async function benchRemoteCalls(builds: Builds, warmEvents: number): Promise<Section> {
  const stack = await startLocalStack({ functionFile: builds.ours.file });
  try {
    const users = benchUsers(0, 2 + warmEvents);
    registerUsers(stack, users);
    const rows: [string, Counts][] = [];
    rows.push(["cold: first event ever (createuser; the start check creates the registry tables and checks the mapped roles)", await perEvent(stack, [createUserEvent(users[0])])]);
    await stack.restart();
    rows.push(["cold: fresh process, createuser (the start check reads the registry's shape and checks the mapped roles)", await perEvent(stack, [createUserEvent(users[1])])]);
    const warm = users.slice(2);
    rows.push([`warm: createuser (mean of ${warm.length})`, await perEvent(stack, warm.map(createUserEvent))]);
    rows.push([`warm: addusertogroup, ids only, already applied (mean of ${warm.length})`, await perEvent(stack, warm.map((u, i) => addToGroupEvent(u, i)))]);
    const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
    const table = markdownTable(
      ["event", ...COLUMNS, "total", "IAM + ORDS SQL (goal warm ≤ 1 + 2)"],
      rows.map(([what, c]) => [what, ...COLUMNS.map((k) => fmt(c[k])), fmt(COLUMNS.reduce((n, k) => n + c[k], 0)), `${fmt(c["IAM look-ups"])} + ${fmt(c["ORDS SQL"])}`]),
      ["l", "r", "r", "r", "r", "r", "r", "r"],
    );
    return {
      title: "Remote calls per event",
      table,
      notes: [
        "Counted by the loopback servers, so they are exact: no baseline is needed for a count. Audit is on (one object per event; the namespace is looked up once per process).",
        "IAM look-ups: every event reads its user once from the identity domain (SCIM filter on ocid with the user's groups, signed with the resource principal), never cached across events. Goal per warm event: 1 identity read + at most 2 ORDS calls (one look-up of registry, dictionary and grants; one version-checked change script). The cold rows add the start check of a fresh process: the registry's shape from the dictionary and the transitive check of every mapped role (two ORDS calls side by side; the role verdicts are kept for up to 60 s, so warm events reuse them).",
      ],
    };
  } finally {
    await stack.stop();
  }
}
