import type { ObjectName, ObjectPrivilege, Select } from "../sql/ast";
import type { ColumnMeta } from "./relation";

/** A stored view: its query runs with the owner's privileges (definer's rights), as Oracle's views do. */
export interface ViewDef {
  owner: string;
  name: string;
  query: Select;
  columns: ColumnMeta[];
}

/** A synonym; public synonyms have owner PUBLIC. The target is resolved when used, not when created. */
export interface SynonymDef {
  owner: string;
  name: string;
  target: Required<ObjectName>;
}

export interface ObjectGrant {
  owner: string;
  object: string;
  grantee: string;
  grantor: string;
  privilege: ObjectPrivilege;
  grantable: boolean;
}

const key = (owner: string, name: string) => `${owner}.${name}`;

/**
 * Views, synonyms and object privileges (GRANT SELECT ON v TO u). Names are dictionary names. The owning
 * database keeps the shared namespace (DBA_OBJECTS) and calls `dropOwner`/`dropGrantee` on DROP USER.
 */
export class SchemaObjects {
  private readonly views = new Map<string, ViewDef>();
  private readonly synonyms = new Map<string, SynonymDef>();
  /** owner.object → grantee → privilege → grant. */
  private readonly grants = new Map<string, Map<string, Map<ObjectPrivilege, ObjectGrant>>>();

  view(owner: string, name: string): ViewDef | undefined {
    return this.views.get(key(owner, name));
  }

  synonym(owner: string, name: string): SynonymDef | undefined {
    return this.synonyms.get(key(owner, name));
  }

  putView(v: ViewDef): void {
    this.views.set(key(v.owner, v.name), v);
  }

  putSynonym(s: SynonymDef): void {
    this.synonyms.set(key(s.owner, s.name), s);
  }

  /** Removes a view or synonym; a dropped view takes its grants along. */
  remove(owner: string, name: string): void {
    this.views.delete(key(owner, name));
    this.synonyms.delete(key(owner, name));
    this.grants.delete(key(owner, name));
  }

  grant(g: ObjectGrant): void {
    let byGrantee = this.grants.get(key(g.owner, g.object));
    if (!byGrantee) this.grants.set(key(g.owner, g.object), (byGrantee = new Map()));
    let privs = byGrantee.get(g.grantee);
    if (!privs) byGrantee.set(g.grantee, (privs = new Map()));
    const held = privs.get(g.privilege);
    privs.set(g.privilege, { ...g, grantable: g.grantable || (held?.grantable ?? false) });
  }

  /** True when it removed the grant. */
  revoke(owner: string, object: string, grantee: string, privilege: ObjectPrivilege): boolean {
    return this.grants.get(key(owner, object))?.get(grantee)?.delete(privilege) ?? false;
  }

  /** Privileges on owner.object held by any of `grantees` (a user, PUBLIC and the user's roles). */
  privilegesOn(owner: string, object: string, grantees: ReadonlySet<string>): ObjectGrant[] {
    const byGrantee = this.grants.get(key(owner, object));
    if (!byGrantee) return [];
    return [...byGrantee].filter(([g]) => grantees.has(g)).flatMap(([, privs]) => [...privs.values()]);
  }

  *allGrants(): IterableIterator<ObjectGrant> {
    for (const byGrantee of this.grants.values()) for (const privs of byGrantee.values()) yield* privs.values();
  }

  *allSynonyms(): IterableIterator<SynonymDef> {
    yield* this.synonyms.values();
  }

  /** DROP USER … CASCADE: the user's views and synonyms, and every grant on them. */
  dropOwner(owner: string): void {
    for (const map of [this.views, this.synonyms, this.grants]) for (const k of [...map.keys()]) if (k.startsWith(`${owner}.`)) map.delete(k);
  }

  /** DROP USER/ROLE: what was granted to it. */
  dropGrantee(grantee: string): void {
    for (const byGrantee of this.grants.values()) byGrantee.delete(grantee);
  }
}
