export { createSecretReader, type SecretReader, type SecretReaderOptions } from "./reader";
export { parseSecretJson } from "./json";
export { SecretError, type SecretErrorReason } from "./errors";
