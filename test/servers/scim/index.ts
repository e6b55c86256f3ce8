/** SCIM 2.0 identity-domain test server: see README.md in this folder. */
export { startScimServer, type ScimServer, type ScimServerOptions, type ScimClient } from "./server";
export { ScimStore, ScimConflict, type UserRecord, type GroupRecord, type UserInput, type GroupInput } from "./store";
export { seedDirectory, type SeedOptions, type SeedResult } from "./seed";
export { Faults, RequestCounters, type FaultRule, type ArmedFault } from "./faults";
export { URN } from "./resources";
export { scimAttribute, type ScimAttributeDefinition } from "./schemas";
