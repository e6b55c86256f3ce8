import { z } from "zod";
import { GovernanceError } from "./errors";
import { CHILD_DATA_OPERATIONS, OPERATIONS, type Operation, type TemplateKind } from "./operations";

/**
 * What Access Governance sends (unknown keys ignored, as the reference's Jackson models do). Schema and
 * test functions need only the system; request and response functions need entity and operation, and
 * contextData[<operation>] names the multivalued attribute for ADD/REMOVE_CHILD_DATA.
 */
export type TemplateRequest = SystemTemplateRequest | EntityTemplateRequest;
export interface SystemTemplateRequest {
  kind: "schema" | "test";
  system: string;
}
export interface EntityTemplateRequest {
  kind: "request" | "response";
  system: string;
  entity: string;
  operation: Operation;
  childAttribute?: string;
}

export const isEntityRequest = (r: TemplateRequest): r is EntityTemplateRequest => r.kind === "request" || r.kind === "response";

/** One folder name of the template tree: no separators, no dot-only names. */
const segment = (what: string) =>
  z
    .string({ required_error: `${what} is required`, invalid_type_error: `${what} must be a string` })
    .trim()
    .min(1, `${what} is required`)
    .max(100, `${what} is longer than 100 characters`)
    .regex(/^(?!\.+$)[A-Za-z0-9_.-]+$/, `${what} may contain only letters, digits, _ . -`);

const base = z.object({
  connectedSystemName: z
    .string({ required_error: "connectedSystemName is required", invalid_type_error: "connectedSystemName must be a string" })
    .trim()
    .min(1, "connectedSystemName is required")
    .max(100, "connectedSystemName is longer than 100 characters"),
});

const entityOperation = base.extend({
  entityName: segment("entityName"),
  operationName: z.enum(OPERATIONS, {
    errorMap: (issue, ctx) => ({
      message:
        issue.code === "invalid_type" && ctx.data === undefined
          ? "operationName is required"
          : `operationName must be one of ${OPERATIONS.join(", ")}`,
    }),
  }),
  contextData: z.record(z.unknown(), { invalid_type_error: "contextData must be an object" }).nullish(),
});

function fail(err: z.ZodError): never {
  throw new GovernanceError(400, "bad_request", err.issues[0].message);
}

export function parseTemplateRequest(kind: TemplateKind, body: string): TemplateRequest {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    throw new GovernanceError(400, "bad_request", "request body is not JSON");
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new GovernanceError(400, "bad_request", "request body must be a JSON object");
  }
  if (kind === "schema" || kind === "test") {
    const r = base.safeParse(data);
    if (!r.success) fail(r.error);
    return { kind, system: r.data.connectedSystemName };
  }
  const r = entityOperation.safeParse(data);
  if (!r.success) fail(r.error);
  const { connectedSystemName, entityName, operationName, contextData } = r.data;
  if (!CHILD_DATA_OPERATIONS.has(operationName)) {
    return { kind, system: connectedSystemName, entity: entityName, operation: operationName };
  }
  const child = contextData?.[operationName];
  if (child === undefined || child === null) {
    throw new GovernanceError(400, "bad_request", `contextData.${operationName} is required for ${operationName} (the multivalued attribute, e.g. "groups")`);
  }
  const attr = segment(`contextData.${operationName}`).safeParse(child);
  if (!attr.success) fail(attr.error);
  return { kind, system: connectedSystemName, entity: entityName, operation: operationName, childAttribute: attr.data };
}
