import { startOciServer, type OciServer } from "../servers/oci/server";
import { DEFAULT_CLIENT, startOrdsServer, type OrdsServer } from "../servers/ords";
import { sql } from "../servers/ords/test-client";
import { startScimServer, type ScimServer } from "../servers/scim";
import { replyBody, startFunction, type FnReply, type RunningFunction } from "../support/fdk-harness";
import { GROUPS, type History, type IamChange } from "./generator";
import { divergences, finalTruth, FOREIGN_USERS, HISTORY_CONFIG, MANAGED_ROLES, snapshot, type AccountSnapshot } from "./model";

const ORDS_SECRET = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaahistords";
const SCIM_SECRET = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaahistscim";
/** How often a retryable failure is delivered again (the Events service's policy is not public). */
const REDELIVERIES = 3;
const SCIM_CLIENT = { clientId: "history-reconcile", clientSecret: "history-reconcile-secret-0123" };

export interface HistoryOutcome {
  seed: number;
  divergences: string[];
  /** Per delivery: kind, event type and the reply's outcome (for the failure report). */
  log: string[];
}

/**
 * The rig the histories run on: `copies` processes of the real bundle under the fdk listener (the event
 * path, Default domain: IAM API with the resource principal), one more deployed as FUNCTION_ROLE=reconcile
 * (SCIM with an OAuth client), the loopback ORDS, OCI and SCIM servers. Processes stay up across histories;
 * `run` resets server state first, so histories are independent.
 */
export class HistoryRig {
  private constructor(
    readonly ords: OrdsServer,
    readonly oci: OciServer,
    readonly scim: ScimServer,
    readonly fns: RunningFunction[],
    readonly reconciler: RunningFunction,
    private readonly baselineRoleGrants: Map<string, string[]>,
    private readonly foreign: Map<string, AccountSnapshot>,
  ) {}

  static async start(copies = 4): Promise<HistoryRig> {
    const ords = await startOrdsServer({
      seed: (db) => {
        for (const role of [...MANAGED_ROLES, "OPS_ROLE"]) db.createRole(role);
        db.grant("SALES_WRITE", "CREATE TABLE");
        db.createUser("HR", {});
        db.addObjects("HR", 3);
        db.grant("HR", "CREATE SESSION");
      },
    });
    const oci = await startOciServer();
    const scim = await startScimServer({ clients: [SCIM_CLIENT] });
    oci.secrets.set(ORDS_SECRET, JSON.stringify(DEFAULT_CLIENT));
    oci.secrets.set(SCIM_SECRET, JSON.stringify(SCIM_CLIENT));
    for (const g of Object.values(GROUPS)) {
      oci.identity.addGroup(g);
      scim.store.createGroup({ displayName: g.name });
    }
    const base = {
      ...oci.env,
      ORDS_URL: ords.url,
      ORDS_SECRET_OCID: ORDS_SECRET,
      GROUP_ROLE_MAP: JSON.stringify(HISTORY_CONFIG.GROUP_ROLE_MAP),
      DEFAULT_GRANTS: HISTORY_CONFIG.DEFAULT_GRANTS.join(","),
      DELETE_POLICY: HISTORY_CONFIG.DELETE_POLICY,
      OCI_SECRETS_ENDPOINT: oci.url,
      OCI_IDENTITY_ENDPOINT: oci.url,
      OCI_OBJECTSTORAGE_ENDPOINT: oci.url,
      LOG_LEVEL: "warn",
    };
    const fns = await Promise.all(Array.from({ length: copies }, () => startFunction(base)));
    const reconciler = await startFunction({
      ...base,
      FUNCTION_ROLE: "reconcile",
      IDENTITY_DOMAIN_URL: scim.url,
      RECONCILE_SECRET_OCID: SCIM_SECRET,
      RECONCILE_GUARD_SHARE: "1",
      RECONCILE_GUARD_MAX: "100000",
    });
    const baseline = snapshot(ords, new Set([ords.db.schema]));
    const foreign = new Map(FOREIGN_USERS.map((n) => [n, baseline.accounts.get(n) as AccountSnapshot]));
    return new HistoryRig(ords, oci, scim, fns, reconciler, baseline.roleGrants, foreign);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.fns, this.reconciler].map((f) => f.stop()));
    await Promise.all([this.ords.close(), this.oci.close(), this.scim.close()]);
  }

  /** Plays a history: IAM changes as it goes, deliveries batch by batch (a batch concurrently), then reconcile if events were dropped. */
  async run(h: History): Promise<HistoryOutcome> {
    await this.reset();
    this.oci.identity.lag = h.lagReads > 0 ? { reads: h.lagReads } : undefined;
    const log: string[] = [];
    let applied = 0;
    const applyUpTo = (n: number) => {
      for (; applied < n; applied++) this.applyIam(h, h.changes[applied]);
    };
    const batches = [...new Set(h.deliveries.map((d) => d.batch))].sort((a, b) => a - b);
    let next = 0;
    for (const b of batches) {
      const group = h.deliveries.filter((d) => d.batch === b);
      applyUpTo(Math.max(applied, ...group.map((d) => d.after + 1)));
      await Promise.all(
        group.map(async (d) => {
          // A retrying caller: a failed invocation whose JSON says retryable is delivered again (to any copy).
          let r: FnReply;
          let attempt = 0;
          for (;;) {
            const fn = this.fns[next++ % this.fns.length];
            r = await fn.invoke(d.event, { deadline: new Date(Date.now() + 20_000) });
            if (r.status !== 502 || replyBody(r).retryable !== true || ++attempt > REDELIVERIES) break;
            log.push(`batch ${b} ${d.kind} ${String(d.event.eventType).split(".").pop()} → 502 retryable, delivered again`);
            await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
          }
          const body = replyBody(r);
          log.push(`batch ${b} ${d.kind} ${String(d.event.eventType).split(".").pop()} ${String((d.event.data as { additionalDetails: { userId: string } }).additionalDetails.userId).split("..")[1]} → ${r.status} ${String(body.outcome ?? "")} ${String(body.reason ?? body.message ?? "").slice(0, 160)}`);
        }),
      );
    }
    applyUpTo(h.changes.length);
    this.oci.identity.lag = undefined;
    if (h.dropped.length > 0) {
      this.mirrorToScim(h);
      const r = await this.reconciler.invoke("", { deadline: new Date(Date.now() + 30_000) });
      log.push(`reconcile → ${r.status} ${String((r.json as Record<string, unknown> | undefined)?.outcome ?? "")}`);
    }
    const found = divergences(h, snapshot(this.ords, new Set([this.ords.db.schema])), this.foreign, this.baselineRoleGrants);
    return { seed: h.seed, divergences: found, log };
  }

  private applyIam(h: History, c: IamChange): void {
    const u = h.users[c.user];
    const id = this.oci.identity;
    switch (c.k) {
      case "create":
        id.addUser({ id: u.id, name: u.name, email: `${u.name}@example.com` });
        break;
      case "add":
        id.addMember(GROUPS[c.group].id, u.id);
        break;
      case "remove":
        id.removeMember(GROUPS[c.group].id, u.id);
        break;
      case "block":
      case "unblock": {
        const s = id.users.get(u.id);
        if (s) s.blocked = c.k === "block";
        break;
      }
      case "delete":
        id.deleteUser(u.id);
        break;
    }
  }

  /** The identity domain the reconcile deployment reads, made equal to IAM's final state. */
  private mirrorToScim(h: History): void {
    const store = this.scim.store;
    for (const t of finalTruth(h)) {
      if (!t.exists) continue;
      const rec = store.createUser({ ocid: t.id, userName: t.name, email: `${t.name}@example.com`, active: true, locked: t.blocked });
      for (const g of t.groups) {
        const group = store.groupByName(GROUPS[g].name);
        if (group) store.addMembers(group.id, [rec.id]);
      }
    }
  }

  /** Back to the seeded state: no IAM users, no accounts but the baseline, empty product tables, role grants as seeded. */
  private async reset(): Promise<void> {
    for (const id of [...this.oci.identity.users.keys()]) this.oci.identity.deleteUser(id);
    for (const id of [...this.scim.store.users.keys()]) this.scim.store.deleteUser(id);
    const db = this.ords.db;
    const statements: string[] = [];
    for (const u of db.users()) {
      if (!u.oracleMaintained && u.username !== db.schema && !FOREIGN_USERS.includes(u.username)) statements.push(`DROP USER "${u.username}" CASCADE;`);
    }
    for (const o of db.objectsOf(db.schema)) if (o.type === "TABLE") statements.push(`DELETE FROM "${o.name}";`);
    for (const [role, before] of this.baselineRoleGrants) {
      for (const g of [...db.rolesOf(role), ...db.sysPrivsOf(role)]) if (!before.includes(g)) statements.push(`REVOKE ${g} FROM ${role};`);
    }
    if (statements.length) await sql(this.ords, statements.join("\n"));
  }
}
