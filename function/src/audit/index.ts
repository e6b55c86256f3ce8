export { createAuditSink, AuditError, type AuditRecord, type AuditSink, type AuditSinkOptions } from "./sink";
export { redact } from "./redact";
