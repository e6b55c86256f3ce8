import { z } from "zod";
import { groupNameSchema, IAM_USER_NAME, iamUserNameSchema } from "../naming/boundary";
import { UNSAFE_TEXT } from "../sql/quote";
import { isJsonObject, optionalOf } from "../util/json-shape";
import type { IamUserRecord } from "./user-state";

/** The SCIM attribute of a user's lock state (asked for by name in `attributes`). */
export const USER_STATE = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User";

/** One SCIM user as the event path asks for it: the boundary every identity-domain answer crosses. */
const scimUser = z.object({
  ocid: z.string(),
  userName: iamUserNameSchema,
  active: z.boolean().optional(),
  [USER_STATE]: z.object({ locked: z.object({ on: z.boolean().optional() }).optional() }).optional(),
  groups: z.array(z.object({ value: z.string(), ocid: z.string().optional(), display: groupNameSchema.optional() })).default([]),
});
/** zod's output (groups defaulted) fits the input type too: the quick path returns the input it checked. */
type ScimUser = z.input<typeof scimUser>;

const groupName = (v: unknown) => v === undefined || (typeof v === "string" && v.length >= 1 && v.length <= 255 && !UNSAFE_TEXT.test(v));

/**
 * scimUser's rules checked by hand, without zod's copy of every group: every event reads one user, and zod was
 * the largest piece of an event's own parsing. undefined: anything it cannot vouch for (zod then decides and
 * names the fault).
 */
function quickUser(v: unknown): ScimUser | undefined {
  if (!isJsonObject(v)) return undefined;
  const { ocid, userName, active, groups } = v;
  if (typeof ocid !== "string" || typeof userName !== "string" || !IAM_USER_NAME.test(userName) || !optionalOf(active, "boolean")) return undefined;
  const state = v[USER_STATE];
  if (state !== undefined) {
    if (!isJsonObject(state)) return undefined;
    if (state.locked !== undefined && !(isJsonObject(state.locked) && optionalOf(state.locked.on, "boolean"))) return undefined;
  }
  if (groups !== undefined) {
    if (!Array.isArray(groups)) return undefined;
    for (const g of groups) {
      if (!isJsonObject(g) || typeof g.value !== "string" || !optionalOf(g.ocid, "string") || !groupName(g.display)) return undefined;
    }
  }
  return v as ScimUser;
}

/** The user record of one SCIM user resource; a resource outside the boundary throws `fault`'s error. */
export function scimUserRecord(resource: unknown, fault: (detail: string) => Error): IamUserRecord {
  let u: ScimUser | undefined = quickUser(resource);
  if (!u) {
    const r = scimUser.safeParse(resource);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw fault(`${issue?.path.join(".") || "reply"} ${issue?.message ?? "is invalid"}`);
    }
    u = r.data;
  }
  return {
    ocid: u.ocid,
    userName: u.userName,
    blocked: u.active === false || u[USER_STATE]?.locked?.on === true,
    groups: (u.groups ?? []).map((g) => ({ id: g.ocid ?? g.value, name: g.display ?? "" })),
  };
}
