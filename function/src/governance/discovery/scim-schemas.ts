import { z } from "zod";
import { DiscoveryError, type CustomAttribute, type DiscoveryFetch, type DiscoveryProfile } from "./custom-attribute";

/** The identity domain's schema for custom user attributes (what its console's "custom attributes" add). */
export const CUSTOM_USER_SCHEMA = "urn:ietf:params:scim:schemas:idcs:extension:custom:User";

/** RFC 7643 §2.1 attribute names: a letter, then letters, digits, "-" and "_". */
const SCIM_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,127}$/;

const attribute = z
  .object({
    name: z.string(),
    type: z.string(),
    multiValued: z.boolean().optional(),
    mutability: z.string().optional(),
    returned: z.string().optional(),
  })
  .passthrough();
const schemaResource = z.object({ id: z.string(), attributes: z.array(attribute).optional() }).passthrough();
const listResponse = z.object({ totalResults: z.number().int().min(0), Resources: z.array(schemaResource).optional() }).passthrough();

/** SCIM types Access Governance can hold; binary and complex values have no Access Governance data type. */
const DATA_TYPES: Record<string, CustomAttribute["dataType"] | undefined> = {
  string: "TEXT",
  reference: "TEXT",
  boolean: "FLAG",
  integer: "NUMBER",
  decimal: "DECIMAL_NUMBER",
  dateTime: "DATE",
};

/** Schemas are listed a page at a time; 1000 is the identity domains' largest page, 20 pages is far more than a domain has. */
const PAGE = 1000;
const MAX_PAGES = 20;

async function findCustomSchema(fetch: DiscoveryFetch): Promise<z.infer<typeof schemaResource> | undefined> {
  for (let page = 0, startIndex = 1; page < MAX_PAGES; page++) {
    const parsed = listResponse.safeParse(await fetch("GET", `/admin/v1/Schemas?startIndex=${startIndex}&count=${PAGE}`));
    if (!parsed.success) throw new DiscoveryError(`/admin/v1/Schemas did not answer a SCIM ListResponse of schemas (${parsed.error.issues[0].path.join(".") || "body"}: ${parsed.error.issues[0].message})`);
    const resources = parsed.data.Resources ?? [];
    const hit = resources.find((r) => r.id === CUSTOM_USER_SCHEMA);
    if (hit) return hit;
    startIndex += resources.length;
    if (resources.length === 0 || startIndex > parsed.data.totalResults) return undefined;
  }
  return undefined;
}

/**
 * Identity domain: the attributes of the custom user schema from `GET /admin/v1/Schemas`. The identity class
 * is read-only in Access Governance, so every attribute is READ; one the domain never returns (writeOnly, or
 * returned "never") is left out, as is a complex or binary one and one whose name is not a SCIM name.
 */
export const scimSchemasProfile: DiscoveryProfile = {
  identityEntity: "UserAsIdentity",
  async discover(fetch) {
    const schema = await findCustomSchema(fetch);
    return (schema?.attributes ?? []).flatMap((a): CustomAttribute[] => {
      const dataType = DATA_TYPES[a.type];
      if (!dataType || !SCIM_NAME.test(a.name) || a.mutability === "writeOnly" || a.returned === "never") return [];
      return [{ name: a.name, dataType, multiValued: a.multiValued === true }];
    });
  },
  responseValue(attr, operation) {
    const item = operation === "SEARCH" ? "$.Resources[<EL>currentIndex</EL>]" : "$";
    // [*] makes a multi-valued attribute's path indefinite, so it reads as a list of values.
    return `<JP>${item}['${CUSTOM_USER_SCHEMA}'].${attr.name}${attr.multiValued ? "[*]" : ""}</JP>`;
  },
};
