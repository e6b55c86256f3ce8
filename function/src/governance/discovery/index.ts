import type { Application } from "../operations";
import type { DiscoveryProfile } from "./custom-attribute";
import { graphExtensionsProfile } from "./graph-extensions";
import { scimSchemasProfile } from "./scim-schemas";

/** Applications whose targets publish custom identity attributes (the database set has none). */
export const DISCOVERY_PROFILES: Partial<Record<Application, DiscoveryProfile>> = {
  idcs: scimSchemasProfile,
  azuread: graphExtensionsProfile,
};

export { createCustomAttributeSource, type CustomAttributeSource } from "./attribute-source";
export { takesCustomAttributes, withCustomAttributes } from "./apply";
