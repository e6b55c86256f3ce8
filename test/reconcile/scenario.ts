import { loadConfig, type ProvisionConfig } from "../../function/src/config/load";
import type { Logger } from "../../function/src/log/logger";
import { TokenSource } from "../../function/src/oauth/token-source";
import { OrdsClient } from "../../function/src/ords/client";
import { reconcile } from "../../function/src/reconcile/run";
import { ScimClient } from "../../function/src/reconcile/scim-client";
import { SCIM_SCOPE } from "../../function/src/reconcile/scim-source";
import { DEFAULT_ADMIN, startOrdsServer, type OrdsServer } from "../servers/ords";
import { seedDirectory, startScimServer, type ScimServer } from "../servers/scim";

const CLIENT = { clientId: "reconcile-sandbox", clientSecret: "sandbox-only-secret-0123456789" };
export const SCENARIO_ROLES = ["APP_READ", "APP_WRITE", "APP_ADMIN"];

export interface ScenarioOptions {
  users: number;
  /** Seeded groups (default users/20, at least 3); every group is mapped to one of SCENARIO_ROLES. */
  groups?: number;
  /** Map only the first n groups (default all). */
  mappedGroups?: number;
  /** Extra function config (page and batch sizes, guard …). */
  config?: Record<string, string>;
}

/** An identity domain and a database on loopback, seeded at a given size. */
export interface Scenario {
  scim: ScimServer;
  ords: OrdsServer;
  /** The function config (as ctx.config would hold it) that points at these servers. */
  raw: Record<string, string>;
  config: ProvisionConfig;
  /** Fresh clients for one run (their call counters start at 0). */
  clients(log: Logger): { ords: OrdsClient; scim: ScimClient };
  close(): Promise<void>;
}

/** Clients for a scenario's servers from its raw config (also from another process). */
export function scenarioClients(raw: Record<string, string>, log: Logger): { config: ProvisionConfig; clients: () => { ords: OrdsClient; scim: ScimClient } } {
  const config = loadConfig(raw);
  const domainUrl = config.IDENTITY_DOMAIN_URL as string;
  const tokens = new TokenSource({ tokenUrl: `${domainUrl}/oauth2/v1/token`, ...CLIENT, scope: SCIM_SCOPE });
  return {
    config,
    clients: () => ({
      ords: new OrdsClient({ url: config.ORDS_URL, auth: { kind: "basic", ...DEFAULT_ADMIN }, log, timeoutMs: 600_000 }),
      scim: new ScimClient({ domainUrl, tokens, pageSize: config.RECONCILE_PAGE, timeoutMs: 600_000 }),
    }),
  };
}

export async function startScenario(o: ScenarioOptions): Promise<Scenario> {
  const scim = await startScimServer({ clients: [CLIENT], tokenTtlSeconds: 3600 });
  const ords = await startOrdsServer({
    seed: (db) => {
      for (const role of SCENARIO_ROLES) db.createRole(role);
    },
  });
  const groups = o.groups ?? Math.max(3, Math.round(o.users / 20));
  const seeded = seedDirectory(scim.store, { users: o.users, groups, groupsPerUser: 2, lockedEvery: 50 });
  const mapping: Record<string, string[]> = {};
  seeded.groupIds.slice(0, o.mappedGroups ?? groups).forEach((id, i) => {
    const name = scim.store.groups.get(id)?.displayName as string;
    mapping[name] = SCENARIO_ROLES.slice(0, (i % SCENARIO_ROLES.length) + 1);
  });
  const raw = {
    ORDS_URL: ords.url,
    ORDS_AUTH: "basic",
    ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaasandboxords",
    GROUP_ROLE_MAP: JSON.stringify(mapping),
    IDENTITY_DOMAIN_URL: scim.url,
    RECONCILE_GUARD_SHARE: "1",
    RECONCILE_GUARD_MAX: String(o.users),
    ...o.config,
  };
  return {
    scim,
    ords,
    raw,
    config: loadConfig(raw),
    clients: (log) => scenarioClients(raw, log).clients(),
    close: async () => {
      await scim.close();
      await ords.close();
    },
  };
}

/**
 * Provisions the seeded directory (one quiet reconcile run), then makes the drift a real tenancy collects
 * while events are missed or people change the database by hand. Returns what was done, for display.
 */
export async function applyDrift(s: Scenario, log: Logger): Promise<string[]> {
  const c = s.clients(log);
  await reconcile({ config: s.config, log, ...c }, { dryRun: false, force: true, deadline: null });
  const store = s.scim.store;
  const users = [...store.users.values()];
  const mappedGroup = [...store.groups.values()].find((g) => s.config.mapping.has(g.displayName));
  if (!mappedGroup || users.length < 10) throw new Error("the drift scenario needs at least 10 users and a mapped group");
  const db = (userName: string) => userName.toUpperCase().replace(/[^A-Z0-9_$#]/g, "_");
  const done: string[] = [];
  const mapped = (id: string) => [...(store.memberOf.get(id) ?? [])].some((g) => s.config.mapping.has(store.groups.get(g)?.displayName ?? ""));
  // Users that hold APP_READ (every mapped group grants it) and are open, plus one locked in IAM.
  const holdsAdmin = (id: string) =>
    [...(store.memberOf.get(id) ?? [])].some((g) => s.config.mapping.get(store.groups.get(g)?.displayName ?? "")?.some((r) => r.name === "APP_ADMIN"));
  const [gone1, gone2, revoked, unlocked, dropped] = users.filter((u) => !u.locked && mapped(u.id));
  const extra = users.find((u) => !u.locked && mapped(u.id) && !holdsAdmin(u.id));
  const locked = users.find((u) => u.locked && mapped(u.id));
  for (const u of [gone1, gone2]) {
    if (!u) continue;
    store.deleteUser(u.id);
    done.push(`IAM user ${u.userName} deleted (account to lock)`);
  }
  const sql: string[] = [];
  if (extra) {
    sql.push(`GRANT APP_ADMIN TO ${db(extra.userName)}`);
    done.push(`APP_ADMIN granted by hand to ${db(extra.userName)}`);
  }
  if (revoked) {
    sql.push(`REVOKE APP_READ FROM ${db(revoked.userName)}`);
    done.push(`APP_READ revoked by hand from ${db(revoked.userName)}`);
  }
  if (locked) {
    sql.push(`ALTER USER ${db(locked.userName)} ACCOUNT UNLOCK`);
    done.push(`${db(locked.userName)} (locked in IAM) unlocked by hand`);
  }
  if (unlocked) {
    sql.push(`ALTER USER ${db(unlocked.userName)} ACCOUNT LOCK`);
    done.push(`${db(unlocked.userName)} locked by hand`);
  }
  if (dropped) {
    sql.push(`DROP USER ${db(dropped.userName)}`);
    done.push(`${db(dropped.userName)} dropped by hand`);
  }
  sql.push("CREATE USER PAT_SMITH IDENTIFIED BY \"Sandbox#Only#2024\"");
  const outcomes = await c.ords.script(sql, null);
  const bad = outcomes.find((x) => !x.ok);
  if (bad && "error" in bad) throw bad.error;
  for (const name of ["new.hire@example.com", "pat.smith", "jane.doe", "jane_doe"]) {
    const u = store.createUser({ userName: name, email: name.includes("@") ? name : `${name}@example.com` });
    store.addMembers(mappedGroup.id, [u.id]);
  }
  done.push("IAM users new.hire@example.com, jane.doe and jane_doe added to a mapped group (accounts to create; one name collision)");
  done.push("IAM user pat.smith added; database user PAT_SMITH exists and is not managed (foreign, refused)");
  return done;
}
