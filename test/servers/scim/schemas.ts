import { URN } from "./resources";

/** One attribute of a SCIM Schema resource (RFC 7643 §7), with the identity domains' display name. */
export interface ScimAttributeDefinition {
  name: string;
  type: "string" | "boolean" | "decimal" | "integer" | "dateTime" | "reference" | "binary" | "complex";
  multiValued: boolean;
  description?: string;
  required: boolean;
  caseExact: boolean;
  mutability: "readOnly" | "readWrite" | "immutable" | "writeOnly";
  returned: "always" | "never" | "default" | "request";
  uniqueness: "none" | "server" | "global";
  subAttributes?: ScimAttributeDefinition[];
  idcsDisplayName?: string;
}

/** A definition with RFC 7643's defaults for what is not given. */
export function scimAttribute(name: string, type: ScimAttributeDefinition["type"], o: Partial<ScimAttributeDefinition> = {}): ScimAttributeDefinition {
  return { name, type, multiValued: false, required: false, caseExact: false, mutability: "readWrite", returned: "default", uniqueness: "none", ...o };
}

const a = scimAttribute;

/** The attributes this server renders for each built-in schema (the real domain lists many more). */
const BUILT_IN: { id: string; name: string; description: string; attributes: ScimAttributeDefinition[] }[] = [
  {
    id: URN.user,
    name: "User",
    description: "User Account",
    attributes: [
      a("userName", "string", { required: true, uniqueness: "global" }),
      a("name", "complex", { subAttributes: [a("givenName", "string"), a("familyName", "string"), a("formatted", "string")] }),
      a("displayName", "string"),
      a("title", "string"),
      a("userType", "string"),
      a("preferredLanguage", "string"),
      a("active", "boolean"),
      a("password", "string", { mutability: "writeOnly", returned: "never" }),
      a("emails", "complex", { multiValued: true, subAttributes: [a("value", "string", { required: true }), a("type", "string"), a("primary", "boolean")] }),
      a("groups", "complex", { multiValued: true, mutability: "readOnly", returned: "request", subAttributes: [a("value", "string"), a("display", "string")] }),
    ],
  },
  {
    id: URN.group,
    name: "Group",
    description: "Group",
    attributes: [a("displayName", "string", { required: true, uniqueness: "global" }), a("members", "complex", { multiValued: true, returned: "request", subAttributes: [a("value", "string"), a("type", "string")] })],
  },
  {
    id: URN.enterprise,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: [a("employeeNumber", "string"), a("department", "string"), a("costCenter", "string"), a("manager", "complex", { subAttributes: [a("value", "string")] })],
  },
  {
    id: URN.userState,
    name: "UserStateUser",
    description: "User State User",
    attributes: [a("locked", "complex", { mutability: "readOnly", subAttributes: [a("on", "boolean"), a("reason", "integer"), a("lockDate", "dateTime")] })],
  },
];

/** Every Schema resource: the built-in ones, then the domain's custom user schema with its attributes. */
export function schemaResources(base: string, custom: readonly ScimAttributeDefinition[]): Record<string, unknown>[] {
  const all = [...BUILT_IN, { id: URN.custom, name: "CustomUser", description: "Custom User", attributes: [...custom] }];
  return all.map((s) => ({ schemas: [URN.schema], ...s, meta: { resourceType: "Schema", location: `${base}/admin/v1/Schemas/${s.id}` } }));
}

/**
 * The identity domain's AllowedValues resources for the lookups the templates load (a sample of the ISO
 * codes the real lists hold).
 */
const ALLOWED: Record<string, string[]> = {
  countries: ["AU", "BR", "CA", "DE", "FR", "GB", "IN", "JP", "NL", "US"],
  languages: ["de", "en", "en-US", "es", "fr", "it", "ja", "nl", "pt-BR", "zh-CN"],
};

export function allowedValues(base: string, attrName: string): Record<string, unknown> | undefined {
  const values = ALLOWED[attrName];
  if (!values) return undefined;
  return {
    schemas: [URN.allowedValue],
    id: attrName,
    attrName,
    attrValues: values.map((value) => ({ value })),
    meta: { resourceType: "AllowedValue", location: `${base}/admin/v1/AllowedValues/${attrName}` },
  };
}
