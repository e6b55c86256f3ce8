import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/**
 * Prints the idempotent set-up script for Access Governance's least-privilege database schema
 * (`npm run -s ag:setup-sql > ag-setup.sql`), so a DBA can read it and run it as ADMIN.
 */
export const SETUP_SQL_FILE = resolve(__dirname, "ag-setup.sql");

if (require.main === module) process.stdout.write(readFileSync(SETUP_SQL_FILE, "utf8"));
