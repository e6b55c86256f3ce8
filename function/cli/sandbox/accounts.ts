import type { OrdsDatabase } from "../../../test/servers/ords";

/** What a person wants to see of a database account. */
export interface AccountView {
  status: string;
  auth: string;
  grants: string[];
  objects: number;
  managed: boolean;
}

/** Every non-Oracle-maintained account except the REST-enabled schema itself. */
export function snapshot(db: OrdsDatabase): Map<string, AccountView> {
  const rows = db.table("IAM_ADB_SYNC_ACCOUNTS") ? db.tableRows("IAM_ADB_SYNC_ACCOUNTS") : [];
  const managed = new Set(rows.map((r) => String(r.DB_USERNAME)));
  const out = new Map<string, AccountView>();
  for (const u of db.users()) {
    if (u.oracleMaintained || u.username === db.schema) continue;
    out.set(u.username, {
      status: u.accountStatus,
      auth: u.authenticationType,
      grants: [...db.sysPrivsOf(u.username), ...db.rolesOf(u.username)].sort(),
      objects: db.objectsOf(u.username).length,
      managed: managed.has(u.username),
    });
  }
  return out;
}

export interface Change {
  account: string;
  change: string;
  detail: string;
}

/** The differences between two snapshots, in account order. */
export function diff(before: Map<string, AccountView>, after: Map<string, AccountView>): Change[] {
  const changes: Change[] = [];
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(name);
    const b = after.get(name);
    if (!a && b) changes.push({ account: name, change: "created", detail: `${b.auth}, ${b.status}${b.grants.length ? `, ${b.grants.join(", ")}` : ""}` });
    else if (a && !b) changes.push({ account: name, change: "dropped", detail: `had ${a.objects} objects` });
    else if (a && b) {
      if (a.status !== b.status) changes.push({ account: name, change: "status", detail: `${a.status} → ${b.status}` });
      const granted = b.grants.filter((g) => !a.grants.includes(g));
      const revoked = a.grants.filter((g) => !b.grants.includes(g));
      if (granted.length) changes.push({ account: name, change: "granted", detail: granted.join(", ") });
      if (revoked.length) changes.push({ account: name, change: "revoked", detail: revoked.join(", ") });
    }
  }
  return changes;
}
