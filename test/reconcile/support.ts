import { loadConfig } from "../../function/src/config/load";
import { createLogger } from "../../function/src/log/logger";
import { TokenSource } from "../../function/src/oauth/token-source";
import { OrdsClient } from "../../function/src/ords/client";
import { reconcile, type ReconcileOptions, type ReconcileResult } from "../../function/src/reconcile/run";
import { ScimClient } from "../../function/src/reconcile/scim-client";
import { SCIM_SCOPE } from "../../function/src/reconcile/scim-source";
import { startScimServer, type ScimServer } from "../servers/scim";
import { DEFAULT_ADMIN, startOrdsServer, type OrdsServer } from "../servers/ords";

export const ROLE_MAP = { "DB-Readers": ["SALES_READ"], "DB-Writers": ["SALES_READ", "SALES_WRITE"] };
export const SCIM_CLIENT = { clientId: "reconcile-client", clientSecret: "reconcile-secret-0123456789" };
const NO_WAIT = { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 };

/** The identity domain and the database on loopback, with a small tenancy. */
export interface Landscape {
  scim: ScimServer;
  ords: OrdsServer;
  /** SCIM ids of the groups, by name. */
  groups: Record<string, string>;
  /** Adds a user (with groups by name); returns its SCIM id. */
  addUser(userName: string, groups: string[], o?: { active?: boolean; locked?: boolean }): string;
  /** SCIM user record by name. */
  user(userName: string): { id: string; ocid: string };
  /** Runs SQL as the schema admin (a person's manual change). */
  sql(...statements: string[]): Promise<void>;
  /** One reconcile invocation with this config. */
  run(opts?: Partial<ReconcileOptions>, config?: Record<string, string>): Promise<ReconcileResult & { scimCalls: number; ordsCalls: number }>;
  registry(): Record<string, unknown>[];
  rolesOf(dbUser: string): string[];
  status(dbUser: string): string | undefined;
  close(): Promise<void>;
}

export async function startLandscape(o: { pageSize?: number } = {}): Promise<Landscape> {
  const scim = await startScimServer({ clients: [SCIM_CLIENT] });
  const ords = await startOrdsServer({
    seed: (db) => {
      for (const role of ["SALES_READ", "SALES_WRITE", "OPS_ROLE"]) db.createRole(role);
      db.createUser("HR", {});
      db.addObjects("HR", 3);
    },
  });
  const groups: Record<string, string> = {};
  for (const name of ["DB-Readers", "DB-Writers", "Marketing"]) groups[name] = scim.store.createGroup({ displayName: name }).id;
  const log = createLogger("silent");
  const admin = new OrdsClient({ url: ords.url, auth: { kind: "basic", ...DEFAULT_ADMIN }, log });
  const tokens = new TokenSource({ tokenUrl: `${scim.url}/oauth2/v1/token`, ...SCIM_CLIENT, scope: SCIM_SCOPE });
  const land: Landscape = {
    scim,
    ords,
    groups,
    addUser(userName, memberOf, u = {}) {
      const rec = scim.store.createUser({ userName, email: userName.includes("@") ? userName : `${userName}@example.com`, active: u.active ?? true, locked: u.locked ?? false });
      for (const g of memberOf) scim.store.addMembers(groups[g] as string, [rec.id]);
      return rec.id;
    },
    user(userName) {
      const u = scim.store.userByName(userName);
      if (!u) throw new Error(`no SCIM user ${userName}`);
      return { id: u.id, ocid: u.ocid };
    },
    async sql(...statements) {
      const outcomes = await admin.script(statements, null);
      const bad = outcomes.find((x) => !x.ok);
      if (bad && "error" in bad) throw bad.error;
    },
    async run(opts = {}, extra = {}) {
      const config = loadConfig({
        ORDS_URL: ords.url,
        ORDS_AUTH: "basic",
        ORDS_SECRET_OCID: "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaordscreds",
        GROUP_ROLE_MAP: JSON.stringify(ROLE_MAP),
        IDENTITY_DOMAIN_URL: scim.url,
        RECONCILE_PAGE: String(o.pageSize ?? 2),
        RECONCILE_BATCH: "4",
        RECONCILE_GUARD_SHARE: "1",
        RECONCILE_GUARD_MAX: "1000",
        ...extra,
      });
      const client = new OrdsClient({ url: ords.url, auth: { kind: "basic", ...DEFAULT_ADMIN }, log, retry: NO_WAIT });
      const scimClient = new ScimClient({ domainUrl: scim.url, tokens, pageSize: config.RECONCILE_PAGE, retry: NO_WAIT });
      const result = await reconcile({ config, log, ords: client, scim: scimClient }, { dryRun: false, force: false, deadline: null, ...opts });
      return { ...result, scimCalls: scimClient.calls, ordsCalls: client.sqlCalls };
    },
    registry: () => ords.db.tableRows("IAM_ADB_SYNC_ACCOUNTS").map((r) => ({ ...r })),
    rolesOf: (u) => [...ords.db.rolesOf(u)].sort(),
    status: (u) => {
      const x = ords.db.user(u);
      return x ? (x.accountStatus.includes("LOCKED") ? "LOCKED" : "OPEN") : undefined;
    },
    close: async () => {
      await scim.close();
      await ords.close();
    },
  };
  return land;
}
