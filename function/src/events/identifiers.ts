import { z } from "zod";

/** OCIDs as IAM emits them: ocid1.<type>.<realm>.[region].<unique>. */
export const ocidSchema = z
  .string()
  .max(255, "is longer than an OCID can be")
  .regex(/^ocid1\.[a-z0-9]+\.[a-z0-9]+\.[a-z0-9-]*\.[A-Za-z0-9]+$/, "is not an OCID");

export { groupNameSchema, iamUserNameSchema } from "../naming/boundary";

/** Shows a refused value in an error without flooding the log or passing control characters through. */
export function shown(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const clipped = text.length > 80 ? `${text.slice(0, 80)}…(${Buffer.byteLength(text)} bytes)` : text;
  return JSON.stringify(clipped);
}
