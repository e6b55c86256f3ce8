/**
 * The Generic REST vocabulary as Access Governance spells it (enum constants of the reference's commons
 * module). Lint checks templates against these exact spellings; preview relies on them.
 */

/** Operations and child-data operations are the template functions' own lists. */
export { OPERATIONS, CHILD_DATA_OPERATIONS, type Operation } from "../../src/governance/operations";

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"] as const;
export type Method = (typeof METHODS)[number];

export const PAGINATION_TYPES = ["OFFSET", "PAGE_INCREMENT", "PAGE_TOKEN"] as const;
export type PaginationType = (typeof PAGINATION_TYPES)[number];

export const ENTITY_TYPES = ["ACCOUNT", "ENTITLEMENT", "TARGETACCOUNT", "LOOKUP"] as const;
export const DATA_TYPES = ["TEXT", "NUMBER", "DECIMAL_NUMBER", "DATE", "FLAG"] as const;
export const NATURES = ["REQUIRED", "MULTIVALUED", "SENSITIVE"] as const;
export const USAGES = ["READ", "PROVISION"] as const;
export const INPUT_TYPES = ["Auto", "User", "Admin"] as const;
export const WIDGETS = ["Text", "Password", "Number", "Date", "SelectOne", "RepeatableFieldSet", "CheckboxSet"] as const;
/** Request body kinds the connector understands: a JSON object, or a raw (form-encoded) string. */
export const BODY_TYPES = ["text", "form"] as const;

/** Attributes the identity object class (schema type ACCOUNT) must declare. */
export const MANDATORY_IDENTITY_ATTRIBUTES = [
  "uid",
  "name",
  "email",
  "firstName",
  "middleName",
  "lastName",
  "displayName",
  "employeeType",
  "title",
  "empNo",
  "status",
  "jobCode",
  "state",
  "risk",
  "location",
  "department",
  "managerUid",
  "managerLogin",
  "organizationUid",
  "organizationName",
  "country",
  "postalCode",
  "territory",
] as const;

/** Attributes every other object class must declare. */
export const MANDATORY_OBJECT_ATTRIBUTES = ["uid", "name"] as const;

/** The schema type of the identity (authoritative source) object class. */
export const IDENTITY_ENTITY_TYPE = "ACCOUNT";

/**
 * Variables the connector binds when it evaluates `<EL>`, by where the expression sits. Pagination
 * variables depend on the request's pagination type.
 */
export const EL_VARIABLES = {
  request: ["attributes", "parentRequestResponseHeaders", "previousRequestResponseHeaders"],
  subRequest: ["attributes", "parentRequestResponseHeaders", "previousRequestResponseHeaders", "parentCurrentIndex"],
  response: ["attributes", "currentIndex"],
  responseValue: ["attributes", "parentRequestResponseHeaders", "previousRequestResponseHeaders"],
} as const;

export const PAGINATION_VARIABLES: Record<PaginationType, readonly string[]> = {
  OFFSET: ["currentOffset", "limit"],
  PAGE_INCREMENT: ["currentPage", "pageSize"],
  PAGE_TOKEN: ["pageSize"],
};

/** Every variable name the connector may bind somewhere: a name outside this list is a typo or a global. */
export const ALL_EL_VARIABLES: ReadonlySet<string> = new Set([
  ...EL_VARIABLES.subRequest,
  ...EL_VARIABLES.response,
  ...Object.values(PAGINATION_VARIABLES).flat(),
]);
