import type { ProvisionConfig } from "../config/load";
import type { UserRead, UserStateReader } from "../identity/user-state";
import { iamUserNameSchema, boundaryName, IAM_USER_NAME } from "../naming/boundary";
import type { OrdsClient } from "../ords/client";
import type { RegistryRow } from "../plan/ops";
import { countObjects, lookupAccount, parseRegistryRow, type AccountLookup, type ByName } from "../registry/lookup";
import { parseDictUser, type DictUser } from "../registry/ownership";
import { DICT_USER_COLUMNS, REGISTRY_COLUMNS, REGISTRY_TABLE } from "../registry/table";
import type { AccountSource } from "../sync/inputs";
import { settledWithoutIo, wantedName, type Settled } from "../sync/sync-user";
import { byNames, type AccountRow } from "./account-stream";
import type { StreamedUser } from "./iam-stream";
import type { Rendezvous } from "./rendezvous";

/** What the merge knows of one key, and what its plan asked on top: enough to sync it again unchanged. */
export interface SliceInputs {
  user?: StreamedUser;
  account?: AccountRow;
  /** A user without a registry row: who else holds the database name it wants. */
  named?: NameFacts;
  objectCount?: number;
}

/** A streamed user as an IAM read gives it; a bad name throws (refused for this user alone). */
export function streamedRead(user: StreamedUser | undefined): UserRead {
  if (!user) return ABSENT;
  if (!IAM_USER_NAME.test(user.userName)) boundaryName(iamUserNameSchema, user.userName, "IAM user name");
  return { kind: "found", user: { ocid: user.ocid, userName: user.userName, blocked: user.blocked, groups: user.groups.map((k) => ({ id: k, name: k })) } };
}
const ABSENT: UserRead = { kind: "absent" };

/** The streamed page as syncUser's IAM read. */
export function sliceReader(user: StreamedUser | undefined): UserStateReader {
  return {
    calls: 0,
    findOcid: () => Promise.reject(new Error("reconciliation reads users from its stream only")),
    read: () => {
      try {
        return Promise.resolve(streamedRead(user));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
  };
}

/** Who holds a wanted database name: kept per planned account until the apply pass, so kept small. */
export interface NameFacts {
  owner?: RegistryRow;
  dictUser?: DictUser;
  isRole: boolean;
}
/** The common case, shared: the name is free. */
const FREE: NameFacts = { isRole: false };

/** One name's facts (or none): a streamed account's look-up needs no Map and no Set of its own. */
class OneName<T> implements ByName<T> {
  constructor(
    private readonly name: string,
    private readonly value: T | undefined,
  ) {}
  get(name: string): T | undefined {
    return name === this.name ? this.value : undefined;
  }
  has(name: string): boolean {
    return name === this.name && this.value !== undefined;
  }
}
const NO_NAME = new OneName<never>("", undefined);
const oneName = <T>(name: string, value: T | undefined): ByName<T> => (value === undefined ? NO_NAME : new OneName(name, value));

const NO_GRANTS: readonly string[] = [];
/** Nothing to look up (no row, no mapped group): shared, as no one changes a look-up. */
const NOTHING: AccountLookup = { mine: null, nameOwner: null, dictUsers: NO_NAME, roles: NO_NAME, grants: NO_GRANTS, registryWasMissing: false };

/** A wanted name's facts as syncUser's one-account look-up would see them. */
function fromNamed(dbUsername: string, f: NameFacts): AccountLookup {
  return { mine: null, nameOwner: f.owner ?? null, dictUsers: oneName(dbUsername, f.dictUser), roles: oneName(dbUsername, f.isRole || undefined), grants: NO_GRANTS, registryWasMissing: false };
}

/**
 * The first look-up's answer when the streams hold it (the key's registry row, or nothing to look up: no row
 * and no mapped group, so syncUser has nothing to do and the name is not claimed); undefined: the wanted
 * name must be asked about.
 */
export function streamedLook(inputs: SliceInputs, dbUsername: string | undefined): AccountLookup | undefined {
  if (inputs.account) return fromRow(inputs.account);
  if (!inputs.user || inputs.user.groups.length === 0 || !dbUsername) return NOTHING;
  if (inputs.named) return fromNamed(dbUsername, inputs.named);
  return undefined;
}

/** A dry syncUser's answer for a key the streams answer alone (settledWithoutIo); undefined: syncUser must run. */
export function settledFromStream(inputs: SliceInputs, config: ProvisionConfig): Settled | undefined {
  const read = streamedRead(inputs.user);
  const look = streamedLook(inputs, wantedName(read, config));
  return look && settledWithoutIo(read, look, config);
}

/** An account row as syncUser's one-account look-up would see it. */
function fromRow(a: AccountRow): AccountLookup {
  const name = a.row.dbUsername;
  return { mine: a.row, nameOwner: null, dictUsers: oneName(name, a.dictUser), roles: oneName(name, a.isRole || undefined), grants: a.grants, registryWasMissing: false };
}

const NAME_SQLS = (registry: boolean) => [
  (list: string) => `SELECT ${DICT_USER_COLUMNS} FROM DBA_USERS WHERE USERNAME IN (${list})`,
  (list: string) => `SELECT ROLE FROM DBA_ROLES WHERE ROLE IN (${list})`,
  ...(registry ? [(list: string) => `SELECT ${REGISTRY_COLUMNS} FROM ${REGISTRY_TABLE} WHERE DB_USERNAME IN (${list})`] : []),
];

const COUNTS_PER_CALL = 50;

/**
 * Batched answers for one run: database names wanted by users without a registry row (who else holds the
 * name, as a row, a user or a role), and object counts before a drop. Names claimed by accounts this run
 * creates are held so that a second IAM user mapping to one is refused, as a later run would.
 */
export class SliceAnswers {
  /** Database names claimed by accounts this run creates → the claiming IAM user. */
  private readonly claimed = new Map<string, { iamUserId: string; iamUserName: string }>();

  constructor(
    private readonly ords: OrdsClient,
    private readonly config: Pick<ProvisionConfig, "ACCOUNT_AUTH">,
    private readonly registryMissing: boolean,
  ) {}

  async names(qs: NameQuery[], deadline: Date | null): Promise<NameFacts[]> {
    const users = new Map<string, DictUser>();
    const roles = new Set<string>();
    const rows = new Map<string, RegistryRow>();
    await byNames(this.ords, [...new Set(qs.map((q) => q.dbUsername))], NAME_SQLS(!this.registryMissing), deadline, (statement, found) => {
      for (const raw of found) {
        if (statement === 0) users.set(String(raw.username), parseDictUser(raw));
        else if (statement === 1) roles.add(String(raw.role));
        else {
          const r = parseRegistryRow(raw);
          rows.set(r.dbUsername, r);
        }
      }
    });
    return qs.map((q) => {
      const dictUser = users.get(q.dbUsername);
      const isRole = roles.has(q.dbUsername);
      const claim = this.claimed.get(q.dbUsername);
      const owner = rows.get(q.dbUsername) ?? (claim && this.claimRow(q.dbUsername, claim));
      if (!owner && !dictUser && !isRole) {
        this.claimed.set(q.dbUsername, { iamUserId: q.iamUserId, iamUserName: q.userName });
        return FREE;
      }
      const theirs = owner && owner.iamUserId !== q.iamUserId ? owner : undefined;
      return theirs || dictUser || isRole ? { owner: theirs, dictUser, isRole } : FREE;
    });
  }

  /** The registry row a claim of this run will write, as a later run would read it. */
  private claimRow(dbUsername: string, c: { iamUserId: string; iamUserName: string }): RegistryRow {
    const authMode = this.config.ACCOUNT_AUTH === "iam" ? "IAM" : "PASSWORD";
    return { dbUsername: dbUsername as RegistryRow["dbUsername"], iamUserId: c.iamUserId, iamUserName: c.iamUserName, authMode, groups: [], status: "PENDING", version: 0 };
  }

  async counts(owners: string[], deadline: Date | null): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < owners.length; i += COUNTS_PER_CALL) {
      const chunk = owners.slice(i, i + COUNTS_PER_CALL);
      const results = await this.ords.queries(
        chunk.map((_, k) => `SELECT COUNT(*) AS OBJECT_COUNT FROM DBA_OBJECTS WHERE OWNER = :owner${k}`),
        chunk.map((owner, k) => ({ name: `owner${k}`, data_type: "VARCHAR2" as const, value: owner })),
        deadline,
      );
      chunk.forEach((_, k) => out.push(Number(results[k]?.rows[0]?.object_count ?? 0)));
    }
    return out;
  }

  /** The batched queues of one chunk of concurrent syncs. */
  queues(rv: Rendezvous, deadline: Date | null): SliceQueues {
    return {
      name: rv.queue((qs: NameQuery[]) => this.names(qs, deadline)),
      count: rv.queue((owners: string[]) => this.counts(owners, deadline)),
    };
  }
}

interface NameQuery {
  iamUserId: string;
  userName: string;
  dbUsername: string;
}

export interface SliceQueues {
  name: (q: NameQuery) => Promise<NameFacts>;
  count: (owner: string) => Promise<number>;
}

/**
 * syncUser's account source for one merged key: the first look-up answers from the stream (and, for a user
 * without a row, from the batched name look-up); a re-plan after a lost race reads fresh through ORDS.
 * What was asked is kept in `inputs`, so the apply pass replays the plan pass's view.
 */
export function sliceAccounts(inputs: SliceInputs, ords: OrdsClient, queues: SliceQueues | undefined): AccountSource {
  return {
    lookup: async (key, deadline, o) => {
      if (o.attempt > 1) return lookupAccount(ords, key, deadline, { dryRun: o.dryRun });
      const streamed = streamedLook(inputs, key.dbUsername);
      if (streamed) return streamed;
      // Left: a user in a mapped group without a row, whose wanted name was not asked about yet.
      if (!queues || !inputs.user || !key.dbUsername) return lookupAccount(ords, key, deadline, { dryRun: o.dryRun });
      inputs.named = await queues.name({ iamUserId: key.iamUserId, userName: inputs.user.userName, dbUsername: key.dbUsername });
      return fromNamed(key.dbUsername, inputs.named);
    },
    countObjects: async (dbUsername, deadline, attempt) => {
      if (attempt > 1) return countObjects(ords, dbUsername, deadline);
      if (inputs.objectCount === undefined) inputs.objectCount = queues ? await queues.count(dbUsername) : await countObjects(ords, dbUsername, deadline);
      return inputs.objectCount;
    },
  };
}
