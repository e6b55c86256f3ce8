import { readFileSync } from "node:fs";
import { SETUP_SQL_FILE } from "../../function/cli/ag-setup-sql";
import { CREATE_REGISTRY_TABLE, REGISTRY_TABLE } from "../../function/src/registry/table";
import type { OrdsServer } from "../servers/ords";
import { sql, type SqlReply } from "../servers/ords/test-client";

/** Access Governance's least-privilege schema, as `npm run ag:setup-sql` sets it up. */
export const AG_SCHEMA = "IAM_ADB_SYNC_AG";
export const AG_ALIAS = "iam_adb_sync_ag";
/** The schema's own OAuth client, as the README's client step registers it (values distinctive for leak checks). */
export const AG_CLIENT = { clientId: "iam-adb-sync-ag-client", clientSecret: "AgSchemaSecret-5c1e8f" } as const;

/** Runs the printed set-up script as ADMIN (REST-enabled SQL, as the README allows). */
export function applySetupScript(ords: OrdsServer): Promise<SqlReply> {
  return sql(ords, readFileSync(SETUP_SQL_FILE, "utf8"));
}

/**
 * The whole least-privilege set-up on a loopback ORDS: the registry table when missing (the function's
 * prerequisite), the script, and the schema's OAuth client. Can run again. Throws if any statement failed.
 */
export async function setUpAgSchema(ords: OrdsServer): Promise<void> {
  const registry = ords.db.table(REGISTRY_TABLE) ? [] : (await sql(ords, CREATE_REGISTRY_TABLE)).body.items;
  const reply = await applySetupScript(ords);
  const failed = [...registry, ...reply.body.items].filter((i) => i.errorCode !== undefined);
  if (failed.length > 0) throw new Error(`set-up failed: ${failed.map((i) => i.errorDetails).join("; ")}`);
  ords.registerClient({ ...AG_CLIENT, schema: AG_SCHEMA });
}
