import { z } from "zod";
import { DiscoveryError, type CustomAttribute, type DiscoveryProfile } from "./custom-attribute";

/** Directory extension names: extension_<application id without dashes>_<name>. */
const EXTENSION_NAME = /^extension_[0-9a-fA-F]{32}_[A-Za-z0-9_]{1,120}$/;

const reply = z.object({
  value: z.array(z.object({ name: z.string(), dataType: z.string(), isMultiValued: z.boolean().optional(), targetObjects: z.array(z.string()).optional() }).passthrough()),
});

/** Graph's extensionProperty dataTypes; Binary (up to 256 bytes) has no Access Governance data type. */
const DATA_TYPES: Record<string, CustomAttribute["dataType"] | undefined> = {
  String: "TEXT",
  Integer: "NUMBER",
  LargeInteger: "NUMBER",
  Boolean: "FLAG",
  DateTime: "DATE",
};

/**
 * Entra ID: the directory extensions registered for users, from `POST /directoryObjects/getAvailableExtensionProperties`
 * (needs Directory.Read.All). Graph returns an extension's value only when `$select` names it, so the User
 * SEARCH and GET requests get the names added to `$select`.
 */
export const graphExtensionsProfile: DiscoveryProfile = {
  identityEntity: "User",
  selectParameter: "$select",
  async discover(fetch) {
    const parsed = reply.safeParse(await fetch("POST", "/v1.0/directoryObjects/getAvailableExtensionProperties", {}));
    if (!parsed.success) throw new DiscoveryError(`getAvailableExtensionProperties did not answer an extensionProperty collection (${parsed.error.issues[0].path.join(".") || "body"}: ${parsed.error.issues[0].message})`);
    return parsed.data.value.flatMap((p): CustomAttribute[] => {
      const dataType = DATA_TYPES[p.dataType];
      if (!dataType || !EXTENSION_NAME.test(p.name) || !(p.targetObjects ?? []).includes("User")) return [];
      return [{ name: p.name, dataType, multiValued: p.isMultiValued === true }];
    });
  },
  responseValue(attr, operation) {
    const path = `${attr.name}${attr.multiValued ? "[*]" : ""}`;
    return operation === "SEARCH" ? `<JP>$.value[<EL>currentIndex</EL>].${path}</JP>` : `<JP>$.${path}</JP>`;
  },
};
