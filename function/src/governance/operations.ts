/** The nine operations Access Governance asks templates for (enum spellings as the reference's commons). */
export const OPERATIONS = [
  "CREATE",
  "GET",
  "SEARCH",
  "DELETE",
  "UPDATE",
  "ADD_CHILD_DATA",
  "REMOVE_CHILD_DATA",
  "ENABLE",
  "DISABLE",
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Operations whose templates sit one folder deeper, under the multivalued attribute named in contextData. */
export const CHILD_DATA_OPERATIONS: ReadonlySet<Operation> = new Set(["ADD_CHILD_DATA", "REMOVE_CHILD_DATA"]);

/** The four template functions: one bundle, deployed once per kind (FUNCTION_ROLE ag-<kind>). */
export const TEMPLATE_KINDS = ["schema", "request", "response", "test"] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

/** Applications with a template set in templates/<kind>/applications/<app>. */
export const APPLICATIONS = ["idcs", "azuread", "adb"] as const;
export type Application = (typeof APPLICATIONS)[number];
