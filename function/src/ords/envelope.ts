import { z } from "zod";
import { isJsonObject, optionalOf } from "../util/json-shape";

/** Rows are checked as one array of objects, not row by row: a 10,000-row page is a hot path. */
export const rowsSchema = z.custom<Record<string, unknown>[]>(
  (v) => Array.isArray(v) && v.every((r) => typeof r === "object" && r !== null && !Array.isArray(r)),
  "must be an array of objects",
);

/** One item of ORDS' REST-enabled SQL reply: one per statement, in script order. */
const itemSchema = z
  .object({
    statementId: z.number().optional(),
    statementType: z.string().optional(),
    result: z.number().optional(),
    response: z.array(z.string()).optional(),
    resultSet: z
      .object({
        items: rowsSchema.default([]),
        hasMore: z.boolean().default(false),
      })
      .passthrough()
      .optional(),
    errorCode: z.number().optional(),
    errorDetails: z.string().optional(),
  })
  .passthrough();

const envelopeSchema = z.object({ items: z.array(itemSchema) }).passthrough();

export type EnvelopeItem = z.infer<typeof itemSchema>;


/**
 * itemSchema's rules checked by hand: every ORDS reply of every event passes here, and zod's copy of each item
 * was a tenth of an event's own time. undefined: anything it cannot vouch for (zod then decides, with defaults).
 */
function quickItems(v: unknown): EnvelopeItem[] | undefined {
  const items = isJsonObject(v) ? v.items : undefined;
  if (!Array.isArray(items)) return undefined;
  for (const item of items) {
    if (!isJsonObject(item)) return undefined;
    const { statementId, statementType, result, response, resultSet, errorCode, errorDetails } = item;
    if (!optionalOf(statementId, "number") || !optionalOf(statementType, "string") || !optionalOf(result, "number")) return undefined;
    if (!optionalOf(errorCode, "number") || !optionalOf(errorDetails, "string")) return undefined;
    if (response !== undefined && !(Array.isArray(response) && response.every((l) => typeof l === "string"))) return undefined;
    if (resultSet !== undefined && !(isJsonObject(resultSet) && typeof resultSet.hasMore === "boolean" && Array.isArray(resultSet.items) && resultSet.items.every(isJsonObject))) return undefined;
  }
  return items as EnvelopeItem[];
}

/** The statement items of an ORDS REST-enabled SQL reply, or undefined when it has none in the expected shape. */
export function parseEnvelope(v: unknown): EnvelopeItem[] | undefined {
  const quick = quickItems(v);
  if (quick) return quick;
  const env = envelopeSchema.safeParse(v);
  return env.success ? env.data.items : undefined;
}

/** An ORA- error reported for one statement. Only the first line of Oracle's text is kept. */
export class OraError extends Error {
  override name = "OraError";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export function itemError(item: EnvelopeItem): OraError | undefined {
  if (item.errorCode === undefined || item.errorCode === 0) return undefined;
  const code = item.errorCode;
  const text = (item.errorDetails ?? "").split("\n").find((l) => l.trim().length > 0)?.trim();
  return new OraError(code, text && text.startsWith("ORA-") ? text : `ORA-${String(code).padStart(5, "0")}${text ? `: ${text}` : ""}`);
}
