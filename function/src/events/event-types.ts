/**
 * Every IAM event type the function acts on, and where each one carries the ids and names it needs.
 * To accept a new variant, add a row: paths are dotted property paths from the event's root (`$.data.x`),
 * tried in order, the first string wins. Plain paths, not JSONPath: every event walks them.
 * Matching is on the lower-cased type, so the CamelCase spelling OCI Audit uses is accepted too.
 */
export type EventAction = "user.created" | "user.deleted" | "member.added" | "member.removed" | "user.state";

export interface EventTypeSpec {
  action: EventAction;
  userId: string[];
  userName: string[];
  groupId?: string[];
  groupName?: string[];
  /** Paths to a "blocked" indicator; absent or unreadable means: look the user up. */
  blocked?: string[];
  /** A state the type itself implies (activate/deactivate variants). */
  impliesBlocked?: boolean;
}

const PREFIX = "com.oraclecloud.identitycontrolplane.";
const AD = "$.data.additionalDetails";

const USER_IDS = [`${AD}.userId`, `${AD}.targetId`, "$.data.resourceId"];
const USER_NAMES = [`${AD}.userName`, `${AD}.targetName`, "$.data.resourceName"];
/** Membership events: resourceId/resourceName describe the membership, not the user. */
const MEMBER_USER_IDS = [`${AD}.userId`, `${AD}.memberId`];
const MEMBER_USER_NAMES = [`${AD}.userName`, `${AD}.memberName`];
const GROUP_IDS = [`${AD}.groupId`];
const GROUP_NAMES = [`${AD}.groupName`];
const BLOCKED = [`${AD}.blocked`, `${AD}.isBlocked`, `${AD}.inactiveStatus`, `${AD}.lifecycleState`, `${AD}.state`];

export const EVENT_TYPES: Readonly<Record<string, EventTypeSpec>> = {
  [`${PREFIX}createuser`]: { action: "user.created", userId: USER_IDS, userName: USER_NAMES },
  [`${PREFIX}createfederateduser`]: { action: "user.created", userId: USER_IDS, userName: USER_NAMES },
  [`${PREFIX}deleteuser`]: { action: "user.deleted", userId: USER_IDS, userName: USER_NAMES },
  [`${PREFIX}addusertogroup`]: {
    action: "member.added",
    userId: MEMBER_USER_IDS,
    userName: MEMBER_USER_NAMES,
    groupId: GROUP_IDS,
    groupName: GROUP_NAMES,
  },
  [`${PREFIX}removeuserfromgroup`]: {
    action: "member.removed",
    userId: MEMBER_USER_IDS,
    userName: MEMBER_USER_NAMES,
    groupId: GROUP_IDS,
    groupName: GROUP_NAMES,
  },
  [`${PREFIX}updateuserstate`]: { action: "user.state", userId: USER_IDS, userName: USER_NAMES, blocked: BLOCKED },
  [`${PREFIX}activateuser`]: { action: "user.state", userId: USER_IDS, userName: USER_NAMES, impliesBlocked: false },
  [`${PREFIX}deactivateuser`]: { action: "user.state", userId: USER_IDS, userName: USER_NAMES, impliesBlocked: true },
};

/** The event types an Events rule should match (the deployable set, lower-case). */
export const RULE_EVENT_TYPES = Object.keys(EVENT_TYPES);
