import type { ProvisionConfig } from "../config/load";
import type { OrdsClient } from "../ords/client";
import type { RolePolicy } from "../policy/roles";
import { ensureRegistry, type RegistryReport } from "../registry/shape";
import { REGISTRY_TABLE } from "../registry/table";
import { describeFailure } from "./failure";
import type { Services } from "./services";

/** What a deployment checks before its first change: every role it may grant, and the registry's shape. */
export interface StartCheck {
  /** Every role the configuration can grant (mapped or default), sorted. */
  roles: string[];
  /** Those the transitive role check refuses, with the reason: never granted. */
  refused: Map<string, string>;
  registry: RegistryReport;
}

/** Roles (not system privileges) the mapping and DEFAULT_GRANTS can grant. */
export function grantableRoles(config: Pick<ProvisionConfig, "mapping" | "defaultGrants">): string[] {
  const all = [...config.defaultGrants, ...[...config.mapping.values()].flat()];
  return [...new Set(all.filter((g) => g.kind === "role").map((g) => g.name))].sort();
}

/**
 * The start-of-deployment check: the transitive role check for every role the configuration can grant (its
 * verdicts stay in the policy's cache, so events reuse them), and ensureRegistry (create or migrate; a dry
 * run only reports). The two ORDS calls run side by side. Refused roles are refused again at every use.
 */
export async function checkAtStart(
  deps: { config: Pick<ProvisionConfig, "mapping" | "defaultGrants">; ords: OrdsClient; roles: RolePolicy },
  o: { deadline: Date | null; dryRun: boolean },
): Promise<StartCheck> {
  const roles = grantableRoles(deps.config);
  const [refused, registry] = await Promise.all([
    roles.length > 0 ? deps.roles.refusals(deps.ords, roles, o.deadline) : Promise.resolve(new Map<string, string>()),
    ensureRegistry(deps.ords, o.deadline, { dryRun: o.dryRun }),
  ]);
  return { roles, refused, registry };
}

/** The check in a few lines: which roles may be granted, each refused role and why, what the registry needed. */
export function startCheckLines(c: StartCheck): { roles: string; refused: string[]; registry: string } {
  const ok = c.roles.filter((r) => !c.refused.has(r));
  const roles = c.roles.length === 0 ? "the configuration grants no role" : ok.length > 0 ? `may be granted: ${ok.join(", ")}` : "no mapped role may be granted";
  const refused = [...c.refused].map(([role, why]) => `${role} refused, never granted: ${why}`);
  const ddl = c.registry.statements.map((s) => s.split("\n")[0].replace(/ \($/, ""));
  const registry =
    ddl.length === 0
      ? `registry ${REGISTRY_TABLE} is current`
      : c.registry.dryRun
        ? `registry needs (dry run, nothing changed): ${ddl.join("; ")}`
        : `registry ${c.registry.created ? "created" : "migrated"}: ${ddl.join("; ")}`;
  return { roles, refused, registry };
}

const checked = new WeakMap<Services, Promise<void>>();

/**
 * Runs the start check once per process and configuration, before the first invocation after a cold start or
 * a redeploy that reaches the database (an ignored or malformed event does not), and logs it: one line, a warning naming every refused role and why. A check that cannot run
 * (ORDS down) is logged and tried again with the next invocation; the invocation itself goes on, and the
 * role check at first use still refuses what it must.
 */
export function startChecked(svc: Services, deadline: Date | null): Promise<void> {
  let done = checked.get(svc);
  if (!done) {
    done = (async () => {
      try {
        const c = await checkAtStart({ config: svc.config, ords: await svc.ords(), roles: svc.roles }, { deadline, dryRun: svc.config.DRY_RUN });
        const l = startCheckLines(c);
        const fields = { check: "start", roles: c.roles, refusedRoles: Object.fromEntries(c.refused), registry: c.registry.statements.length > 0 ? l.registry : "current" };
        const message = `start check: roles ${l.roles}${l.refused.length > 0 ? `; ${l.refused.join("; ")}` : ""}; ${l.registry}`;
        if (c.refused.size > 0) svc.log.warn(fields, message);
        else svc.log.info(fields, message);
      } catch (err) {
        checked.delete(svc);
        svc.log.warn({ check: "start", error: describeFailure(err).message }, "start check could not run; it runs again with the next invocation");
      }
    })();
    checked.set(svc, done);
  }
  return done;
}
