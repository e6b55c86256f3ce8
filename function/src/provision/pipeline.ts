import type { IamEvent } from "../events/parse";
import { countObjects, lookupAccount } from "../registry/lookup";
import type { Services } from "../runtime/services";
import { planAccount, type Observed } from "../plan/planner";
import type { DbIdentifier } from "../sql/quote";
import { desiredFromEvent } from "./desired";
import { execute, preview, type StatementReport } from "./execute";
import { generatePassword } from "./password";
import { dbNameFor, resolveBlocked, resolveGroup, resolveUserName } from "./resolve";

export type Outcome = "applied" | "unchanged" | "planned" | "ignored" | "refused" | "failed";

export interface EventResult {
  outcome: Outcome;
  reason?: string;
  principal: { iamUserId: string; iamUserName?: string; dbUsername?: string; group?: string };
  statements: StatementReport[];
  notes: string[];
}

const CREATES = new Set(["user.created", "member.added"]);

/** resolve → look up → plan → execute, for one parsed event. Throws on infrastructure failures only. */
export async function processEvent(event: IamEvent, svc: Services, deadline: Date | null): Promise<EventResult> {
  const { config } = svc;
  const principal: EventResult["principal"] = { iamUserId: event.user.id, iamUserName: event.user.name };
  const firstNotes: string[] = [];
  const done = (outcome: Outcome, reason: string, statements: StatementReport[] = [], notes: string[] = []): EventResult => ({
    outcome,
    reason,
    principal,
    statements,
    notes: [...firstNotes, ...notes],
  });

  let groupKey: string | undefined;
  if (event.action === "member.added" || event.action === "member.removed") {
    const g = await resolveGroup(event, config, svc.identity);
    if ("ignored" in g) return done("ignored", g.ignored);
    groupKey = principal.group = g.key;
  }

  const ords = await svc.ords();
  let userName = event.user.name;
  let dbUsername: DbIdentifier | undefined = userName ? dbNameFor(userName, config) : undefined;
  let look = await lookupAccount(ords, { iamUserId: event.user.id, dbUsername }, deadline, { dryRun: config.DRY_RUN });
  if (!look.mine && !dbUsername && CREATES.has(event.action)) {
    userName = await resolveUserName(event, config, svc.identity);
    if (!userName) return done("failed", `cannot create an account for ${event.user.id}: the event carries no user name and IAM has none`);
    dbUsername = dbNameFor(userName, config);
    look = await lookupAccount(ords, { iamUserId: event.user.id, dbUsername }, deadline, { dryRun: config.DRY_RUN });
  }
  if (look.registryWasMissing) {
    firstNotes.push(config.DRY_RUN ? "registry table IAM_ADB_SYNC_ACCOUNTS does not exist yet (a real run creates it)" : "created the registry table IAM_ADB_SYNC_ACCOUNTS");
  }
  const actual = look.mine;
  principal.iamUserName = userName ?? actual?.iamUserName;
  principal.dbUsername = actual?.dbUsername ?? dbUsername;

  const blocked = event.action === "user.state" && actual ? await resolveBlocked(event, svc.identity) : undefined;
  const desired = desiredFromEvent(event, actual, { userName, dbUsername, groupKey, blocked });
  if (desired === undefined) {
    return done("unchanged", actual ? "nothing to change" : "no account is managed for this IAM user");
  }

  const observed: Observed = {
    nameOwnedBy: look.nameOwner ?? undefined,
    foreignAccount: look.dbUserExists && !look.nameOwner && actual?.dbUsername !== dbUsername,
  };
  if (desired === null && actual && config.DELETE_POLICY !== "lock") {
    observed.objectCount = await countObjects(ords, actual.dbUsername, deadline);
  }
  const plan = planAccount(desired, actual, observed, { ...config, newPassword: generatePassword });
  if (plan.refused) return done("refused", plan.refused, [], plan.notes);
  if (plan.ops.length === 0) return done("unchanged", "database already matches", [], plan.notes);
  if (config.DRY_RUN) return done("planned", "DRY_RUN is on: nothing was executed", preview(plan.ops), plan.notes);

  const statements = await execute(plan.ops, ords, deadline);
  const failed = statements.filter((s) => s.outcome === "failed");
  if (failed.length > 0) {
    return done("failed", failed.map((s) => `${s.op} ${s.target}: ${s.error?.message}`).join("; "), statements, plan.notes);
  }
  return done("applied", `${statements.length} statements`, statements, plan.notes);
}
