import { z } from "zod";
import { matches, parseFilter, splitPath, type Filter } from "./filter";
import { memberList, parseGroup, parseUser, renderGroup, renderUser, URN } from "./resources";
import { ScimConflict, type ScimStore } from "./store";

/** RFC 7644 §3.5.2 PatchOp; op names are case-insensitive (Entra sends "Add", identity domains "add"). */
const patchOp = z.object({
  schemas: z.array(z.string()).refine((s) => s.includes(URN.patchOp), `schemas must contain ${URN.patchOp}`),
  Operations: z
    .array(
      z.object({
        op: z.string().transform((o) => o.toLowerCase()).pipe(z.enum(["add", "remove", "replace"])),
        path: z.string().optional(),
        value: z.unknown().optional(),
      }),
    )
    .min(1, "Operations must not be empty"),
});
type Operation = z.infer<typeof patchOp>["Operations"][number];

function bad(message: string, scimType = "invalidValue"): ScimConflict {
  return new ScimConflict(message, 400, scimType);
}

export function parsePatch(body: unknown): Operation[] {
  const r = patchOp.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    throw bad(`${i.path.join(".") || "body"}: ${i.message}`, "invalidSyntax");
  }
  return r.data.Operations;
}

/** Splits `members[value eq "x"].display` into the attribute, its filter and the sub-attribute. */
function parsePatchPath(path: string): { attr: string[]; filter?: Filter; sub?: string } {
  const m = /^([^[]+)\[(.*)\](?:\.(.+))?$/.exec(path);
  if (!m) return { attr: splitPath(path) };
  return { attr: splitPath(m[1]), filter: parseFilter(m[2]), sub: m[3]?.toLowerCase() };
}

/** Sets or removes a value at a path inside a rendered resource (keys matched case-insensitively). */
function setAt(node: Record<string, unknown>, path: string[], value: unknown, mode: "add" | "replace" | "remove"): void {
  let obj = node;
  for (let i = 0; i < path.length; i++) {
    const key = Object.keys(obj).find((k) => k.toLowerCase() === path[i]) ?? path[i];
    if (i === path.length - 1) {
      if (mode === "remove") delete obj[key];
      else if (mode === "add" && Array.isArray(obj[key]) && Array.isArray(value)) obj[key] = [...(obj[key] as unknown[]), ...value];
      else obj[key] = value;
      return;
    }
    const next = obj[key];
    if (next === undefined || next === null) obj[key] = {};
    else if (typeof next !== "object" || Array.isArray(next)) throw bad(`path ${path.join(".")} does not name a writable attribute`, "invalidPath");
    obj = obj[key] as Record<string, unknown>;
  }
}

/** Applies path-less "add/replace" values: each key of the object is set as if it were a path. */
function applyOp(resource: Record<string, unknown>, op: Operation): void {
  if (op.path === undefined) {
    if (op.op === "remove") throw bad("remove needs a path", "noTarget");
    if (op.value === null || typeof op.value !== "object" || Array.isArray(op.value)) throw bad("a patch without a path needs an object value");
    for (const [k, v] of Object.entries(op.value)) setAt(resource, splitPath(k), v, op.op);
    return;
  }
  const p = parsePatchPath(op.path);
  if (p.filter) throw bad(`filtered path ${op.path} is only supported for group members`, "invalidPath");
  setAt(resource, p.attr, op.value, op.op);
}

/** PATCH /Users/{id}: operations apply to the rendered user, which is then validated like a PUT body. */
export function patchUser(store: ScimStore, id: string, ops: Operation[], base: string): void {
  const current = renderUser(store.requireUser(id), store, base, false);
  for (const op of ops) applyOp(current, op);
  const parsed = parseUser(current);
  if (!parsed.ok) throw bad(parsed.message);
  store.replaceUser(id, parsed.value);
}

/**
 * PATCH /Groups/{id}: member operations work on the membership index directly (a group may have 100,000
 * members); other attributes go through the rendered group. Everything is checked before anything changes.
 */
export function patchGroup(store: ScimStore, id: string, ops: Operation[], base: string): void {
  const group = store.requireGroup(id);
  const plain = renderGroup(group, store, base, false);
  const members = new Set(group.members);
  for (const op of ops) {
    const p = op.path === undefined ? undefined : parsePatchPath(op.path);
    if (p?.attr.length === 1 && p.attr[0] === "members") {
      if (p.filter) {
        if (op.op !== "remove") throw bad(`${op.op} with a member filter is not supported`, "invalidPath");
        const filter = p.filter;
        for (const uid of [...members]) if (matches(filter, { value: uid, type: "User" })) members.delete(uid);
        continue;
      }
      const list = op.value === undefined ? [] : memberList.safeParse(op.value);
      if (!Array.isArray(list) && !list.success) throw bad("members value must be a list of {value}");
      const ids = Array.isArray(list) ? [] : list.data.map((m) => m.value);
      if (op.op === "add") ids.forEach((u) => members.add(u));
      else if (op.op === "replace") {
        members.clear();
        ids.forEach((u) => members.add(u));
      } else if (op.value === undefined) members.clear();
      else ids.forEach((u) => members.delete(u));
      continue;
    }
    if (op.path === undefined && op.value && typeof op.value === "object" && "members" in op.value) {
      throw bad("set members with path \"members\"", "invalidPath");
    }
    applyOp(plain, op);
  }
  const parsed = parseGroup(plain);
  if (!parsed.ok) throw bad(parsed.message);
  const unknown = [...members].find((u) => !store.users.has(u));
  if (unknown !== undefined) throw bad(`member ${unknown} is not a user of this domain`);
  if (parsed.value.displayName !== group.displayName || parsed.value.description !== group.description) {
    store.renameGroup(id, parsed.value.displayName, parsed.value.description);
  }
  const removed = [...group.members].filter((u) => !members.has(u));
  const added = [...members].filter((u) => !group.members.has(u));
  if (removed.length) store.removeMembers(id, removed);
  if (added.length) store.addMembers(id, added);
}
