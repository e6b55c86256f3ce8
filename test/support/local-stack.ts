import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startOciServer, type OciServer } from "../servers/oci/server";
import { DEFAULT_ADMIN, DEFAULT_CLIENT, startOrdsServer, type OrdsServer } from "../servers/ords";
import { startFunction, type FnReply, type RunningFunction } from "./fdk-harness";
import { EXAMPLES } from "./paths";

export const ORDS_SECRET_OCID = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaordscreds";
export const TENANCY = "ocid1.tenancy.oc1..aaaatenancy";

/** The sample tenancy the examples/events story is written against. */
export const SAMPLE_USERS = [
  { id: "ocid1.user.oc1..aaaajane", name: "jane.doe@example.com", email: "jane.doe@example.com" },
  { id: "ocid1.user.oc1..aaaabob", name: "bob", email: "bob@example.com" },
  { id: "ocid1.user.oc1..aaaacarol", name: "carol.smith@example.com", email: "carol.smith@example.com" },
];
export const SAMPLE_GROUPS = [
  { id: "ocid1.group.oc1..aaaareaders", name: "DB-Readers" },
  { id: "ocid1.group.oc1..aaaawriters", name: "DB-Writers" },
  { id: "ocid1.group.oc1..aaaamarketing", name: "Marketing" },
];
export const SAMPLE_ROLE_MAP = { "DB-Readers": ["SALES_READ"], "DB-Writers": ["SALES_READ", "SALES_WRITE"] };

export interface LocalStack {
  ords: OrdsServer;
  oci: OciServer;
  fn: RunningFunction;
  config: Record<string, string>;
  /** Sends an event (a file name under examples/events, or an object) to the function. */
  send(event: string | object, opts?: { deadline?: Date }): Promise<FnReply>;
  /** A fresh function process (cold start) against the same servers and state. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function exampleEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(EXAMPLES, "events", `${name}.json`), "utf8")) as Record<string, unknown>;
}

/**
 * The whole product on loopback: the ORDS-compatible database, the OCI APIs (Vault, Object Storage, IAM)
 * behind resource-principal signatures, and the bundled function under the fdk listener.
 */
export async function startLocalStack(
  o: { config?: Record<string, string>; auth?: "oauth" | "basic"; functionFile?: string; socketDir?: string; onOutput?: (chunk: string) => void } = {},
): Promise<LocalStack> {
  const ords = await startOrdsServer({
    seed: (db) => {
      for (const role of ["SALES_READ", "SALES_WRITE", "OPS_ROLE"]) db.createRole(role);
      db.createUser("HR", {});
      db.addObjects("HR", 7);
    },
  });
  const oci = await startOciServer({ buckets: ["iam-adb-sync-audit"] });
  const auth = o.auth ?? "oauth";
  oci.secrets.set(
    ORDS_SECRET_OCID,
    JSON.stringify(auth === "oauth" ? DEFAULT_CLIENT : { username: DEFAULT_ADMIN.username, password: DEFAULT_ADMIN.password }),
  );
  for (const u of SAMPLE_USERS) oci.identity.addUser(u);
  for (const g of SAMPLE_GROUPS) oci.identity.addGroup(g);
  const config: Record<string, string> = {
    ORDS_URL: ords.url,
    ORDS_AUTH: auth,
    ORDS_SECRET_OCID,
    GROUP_ROLE_MAP: JSON.stringify(SAMPLE_ROLE_MAP),
    OCI_SECRETS_ENDPOINT: oci.endpoints.OCI_SECRETS_ENDPOINT,
    OCI_OBJECTSTORAGE_ENDPOINT: oci.endpoints.OCI_OBJECTSTORAGE_ENDPOINT,
    OCI_IDENTITY_ENDPOINT: oci.endpoints.OCI_IDENTITY_ENDPOINT,
    // The identity domain (SCIM, signed with the resource principal) is where users and memberships are read.
    IDENTITY_DOMAIN_URL: oci.endpoints.IDENTITY_DOMAIN_URL,
    AUDIT_BUCKET: "iam-adb-sync-audit",
    LOG_LEVEL: "info",
    ...o.config,
  };
  for (const [k, v] of Object.entries(config)) if (v === "") delete config[k];
  const launch = () => startFunction({ ...oci.env, ...config }, { file: o.functionFile, socketDir: o.socketDir, onOutput: o.onOutput });
  const stack: LocalStack = {
    ords,
    oci,
    fn: await launch(),
    config,
    send: (event, opts) => stack.fn.invoke(typeof event === "string" ? exampleEvent(event) : event, opts),
    restart: async () => {
      await stack.fn.stop();
      stack.fn = await launch();
    },
    stop: async () => {
      await stack.fn.stop();
      await ords.close();
      await oci.close();
    },
  };
  return stack;
}
