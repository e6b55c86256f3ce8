import type { z } from "zod";
import { SecretError } from "./errors";

/**
 * Parses a JSON secret into a typed shape. Errors name the failing field and what it should be, never a
 * value: JSON.parse and some zod messages quote the input, so neither message is passed on.
 */
export function parseSecretJson<S extends z.ZodTypeAny>(text: string, schema: S, what: string): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SecretError(`${what}: secret content is not valid JSON`, "bad_content");
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data as z.output<S>;
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(top level)"} ${describe(i)}`);
  throw new SecretError(`${what}: ${problems.join("; ")}`, "bad_content");
}

function describe(issue: z.ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.received === "undefined" ? "is missing" : `must be ${issue.expected}`;
    case "too_small":
      return issue.type === "string" ? "is too short" : "is too small";
    case "too_big":
      return issue.type === "string" ? "is too long" : "is too big";
    case "invalid_string":
      return typeof issue.validation === "string" ? `must be a valid ${issue.validation}` : "has the wrong format";
    case "invalid_enum_value":
      return `must be one of ${issue.options.map(String).join(", ")}`;
    case "unrecognized_keys":
      return `has unexpected fields ${issue.keys.join(", ")}`;
    default:
      return "is invalid";
  }
}
