export { createIdentityLookup, type IdentityLookupOptions } from "./lookup";
export { IdentityError, type IamGroup, type IamUser, type IdentityLookup, type IdentityErrorReason } from "./types";
