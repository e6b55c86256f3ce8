import type { ProvisionConfig } from "../config/load";
import type { Bind, OrdsClient } from "../ords/client";
import { privilegeRefusal } from "./privileges";

export interface RolePolicyOptions {
  /** Roles no grant may reach, directly or through another role. */
  denied: ReadonlySet<string>;
  /** Oracle-maintained roles the configuration explicitly allows. */
  allowOracleRoles: ReadonlySet<string>;
  /** How long a role's verdict is reused in this process. */
  ttlMs: number;
  now?: () => number;
}

interface Node {
  roles: string[];
  privileges: string[];
  adminOption: boolean;
  oracleMaintained: boolean;
  exists: boolean;
}

/** Roles asked per query level (one ORDS call each). */
const PER_CALL = 200;

/**
 * Mapped roles are checked on first use for what they hold, transitively (DBA_ROLE_PRIVS and DBA_SYS_PRIVS
 * with the role as grantee, DBA_ROLES.ORACLE_MAINTAINED): a role that reaches a denied role, a privilege
 * the refusal rule forbids, an admin option, or an Oracle-maintained role not explicitly allowed is refused.
 * DBA_* views are used rather than ROLE_ROLE_PRIVS/ROLE_SYS_PRIVS: those show only roles granted to the
 * session user, so a role ADMIN does not hold would look empty.
 */
export class RolePolicy {
  private readonly verdicts = new Map<string, { at: number; refusal: string | null }>();

  constructor(private readonly o: RolePolicyOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** role → refusal for every role asked that is refused; the others may be granted. */
  async refusals(ords: OrdsClient, roles: readonly string[], deadline: Date | null): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const fresh = (r: string) => {
      const v = this.verdicts.get(r);
      return v && this.now() - v.at < this.o.ttlMs ? v : undefined;
    };
    const unknown = [...new Set(roles)].filter((r) => !fresh(r));
    if (unknown.length > 0) {
      const graph = await readGraph(ords, unknown, deadline);
      for (const r of unknown) this.verdicts.set(r, { at: this.now(), refusal: this.judge(r, graph) });
    }
    for (const r of roles) {
      const refusal = fresh(r)?.refusal;
      if (refusal) out.set(r, refusal);
    }
    return out;
  }

  private judge(top: string, graph: Map<string, Node>): string | null {
    const seen = new Set<string>();
    const walk = (role: string, path: string): string | null => {
      if (seen.has(role)) return null;
      seen.add(role);
      const node = graph.get(role);
      const via = path ? `${path} → ${role}` : role;
      if (!node?.exists) return path ? null : `role ${role} does not exist in the database`;
      if (this.o.denied.has(role)) return `role ${top} is refused: it holds ${via}, which is denied`;
      if (node.oracleMaintained && !this.o.allowOracleRoles.has(role)) {
        return `role ${top} is refused: ${via} is Oracle-maintained and not in ALLOW_ORACLE_ROLES`;
      }
      if (node.adminOption) return `role ${top} is refused: ${via} holds a grant WITH ADMIN OPTION`;
      for (const p of node.privileges) {
        const why = this.o.denied.has(p) ? `${p} is denied` : privilegeRefusal(p);
        if (why) return `role ${top} is refused: ${via} holds ${why}`;
      }
      for (const r of node.roles) {
        const refusal = walk(r, via);
        if (refusal) return refusal;
      }
      return null;
    };
    return walk(top, "");
  }
}

/** The roles' grants, level by level until no new role appears. */
async function readGraph(ords: OrdsClient, start: readonly string[], deadline: Date | null): Promise<Map<string, Node>> {
  const graph = new Map<string, Node>();
  let frontier = [...start];
  while (frontier.length > 0) {
    const level = frontier.slice(0, PER_CALL);
    frontier = frontier.slice(PER_CALL);
    const binds: Bind[] = level.map((value, i) => ({ name: `r${i}`, data_type: "VARCHAR2", value }));
    const list = level.map((_, i) => `:r${i}`).join(", ");
    const [defs, roleGrants, sysGrants] = await ords.queries(
      [
        `SELECT ROLE, ORACLE_MAINTAINED FROM DBA_ROLES WHERE ROLE IN (${list})`,
        `SELECT GRANTEE, GRANTED_ROLE, ADMIN_OPTION FROM DBA_ROLE_PRIVS WHERE GRANTEE IN (${list})`,
        `SELECT GRANTEE, PRIVILEGE, ADMIN_OPTION FROM DBA_SYS_PRIVS WHERE GRANTEE IN (${list})`,
      ],
      binds,
      deadline,
    );
    for (const r of level) graph.set(r, { roles: [], privileges: [], adminOption: false, oracleMaintained: false, exists: false });
    for (const row of defs?.rows ?? []) {
      const n = graph.get(String(row.role));
      if (n) Object.assign(n, { exists: true, oracleMaintained: row.oracle_maintained === "Y" });
    }
    for (const row of roleGrants?.rows ?? []) {
      const n = graph.get(String(row.grantee));
      if (!n) continue;
      n.roles.push(String(row.granted_role));
      if (row.admin_option === "YES") n.adminOption = true;
    }
    for (const row of sysGrants?.rows ?? []) {
      const n = graph.get(String(row.grantee));
      if (!n) continue;
      n.privileges.push(String(row.privilege));
      if (row.admin_option === "YES") n.adminOption = true;
    }
    for (const n of level.map((r) => graph.get(r))) {
      for (const r of n?.roles ?? []) if (!graph.has(r) && !frontier.includes(r)) frontier.push(r);
    }
  }
  return graph;
}

/**
 * Look-ups are cached only briefly: a role that gains DBA is refused within this many seconds, in every
 * warm container (the same bound as the group-name cache).
 */
export const ROLE_VERDICT_MAX_SECONDS = 60;

/** The policy this configuration asks for; verdicts are kept for CACHE_TTL_SECONDS, at most ROLE_VERDICT_MAX_SECONDS. */
export function rolePolicyFor(config: Pick<ProvisionConfig, "denied" | "ALLOW_ORACLE_ROLES" | "CACHE_TTL_SECONDS">): RolePolicy {
  const ttlMs = Math.min(config.CACHE_TTL_SECONDS, ROLE_VERDICT_MAX_SECONDS) * 1000;
  return new RolePolicy({ denied: config.denied, allowOracleRoles: new Set(config.ALLOW_ORACLE_ROLES), ttlMs });
}
