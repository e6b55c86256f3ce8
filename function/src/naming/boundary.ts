import { z } from "zod";
import { SqlValueError, UNSAFE_TEXT } from "../sql/quote";

/**
 * The one boundary every name crosses, whatever its source (event payload, IAM API, SCIM, registry): a name
 * that fails here never reaches SQL, a plan or a log in raw form.
 */

/**
 * IAM user names: letters, digits and . _ + @ - (the IAM user-name alphabet). Anything else (quotes, ;, &,
 * spaces, control characters, non-ASCII) is refused.
 */
export const iamUserNameSchema = z
  .string()
  .min(1, "is empty")
  .max(255, "is longer than 255 characters")
  .regex(/^[A-Za-z0-9._+@-]+$/, "may only contain letters, digits and . _ + @ -");

/** The same rule as one regular expression: the cheap test for hot paths (a failure is explained by the schema). */
export const IAM_USER_NAME = /^[A-Za-z0-9._+@-]{1,255}$/;

/** Group names are only compared with the role mapping (and kept as JSON in the registry): printable text. */
export const groupNameSchema = z
  .string()
  .min(1, "is empty")
  .max(255, "is longer than 255 characters")
  .refine((s) => !UNSAFE_TEXT.test(s), "contains control or line-separator characters");

/** A name from outside, checked at the boundary; `what` says where it came from for the error. */
export function boundaryName(schema: z.ZodType<string>, value: unknown, what: string): string {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const text = typeof value === "string" ? value : String(value);
  // Same class as a refused database name: the caller learns a name was refused, and why (409, not retried).
  throw new SqlValueError(`${what} ${JSON.stringify(text.slice(0, 80))} ${r.error.issues[0]?.message ?? "is invalid"}`);
}
