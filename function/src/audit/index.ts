export { createAuditSink, AuditError, type AuditRecord, type AuditSink, type AuditSinkOptions, type AuditUpload } from "./sink";
export { redactedJson } from "./redact";
