import { z } from "zod";

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

export const envelopeSchema = z.object({ items: z.array(itemSchema) }).passthrough();

export type EnvelopeItem = z.infer<typeof itemSchema>;

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
