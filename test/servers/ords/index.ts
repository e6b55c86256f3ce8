export { startOrdsServer, DEFAULT_ADMIN, DEFAULT_CLIENT, DEFAULT_LIMIT } from "./server";
export type { OrdsServer, OrdsServerOptions, OrdsStats } from "./server";
export { OrdsDatabase } from "./engine/database";
export type { AccountStatus, AuthenticationType, CreateUserSeed, DbObject, OrdsRole, OrdsUser } from "./engine/database";
export type { Row } from "./engine/eval";
export { FaultInjector } from "./faults";
export type { FaultPath, FaultSpec } from "./faults";
export type { OAuthClient } from "./oauth";
export type { ResponseItem } from "./engine/run-script";
