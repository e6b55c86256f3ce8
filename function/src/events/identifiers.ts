import { z } from "zod";

/** OCIDs as IAM emits them: ocid1.<type>.<realm>.[region].<unique>. */
export const ocidSchema = z
  .string()
  .max(255, "is longer than an OCID can be")
  .regex(/^ocid1\.[a-z0-9]+\.[a-z0-9]+\.[a-z0-9-]*\.[A-Za-z0-9]+$/, "is not an OCID");

/**
 * IAM user names: letters, digits and . _ + @ - (the IAM user-name alphabet). Anything else (quotes, ;,
 * spaces, control characters, non-ASCII) is refused here, before a name can reach SQL or a log in raw form.
 */
export const iamUserNameSchema = z
  .string()
  .min(1, "is empty")
  .max(255, "is longer than 255 characters")
  .regex(/^[A-Za-z0-9._+@-]+$/, "may only contain letters, digits and . _ + @ -");

/** Group names are only compared with the role mapping, never written to SQL: printable text is enough. */
export const groupNameSchema = z
  .string()
  .min(1, "is empty")
  .max(255, "is longer than 255 characters")
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, "contains control characters");

/** Shows a refused value in an error without flooding the log or passing control characters through. */
export function shown(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const clipped = text.length > 80 ? `${text.slice(0, 80)}…(${Buffer.byteLength(text)} bytes)` : text;
  return JSON.stringify(clipped);
}
