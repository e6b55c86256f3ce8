/** Shape checks for parsed JSON, for the hand-checked fast paths that run before a schema does. */

/** A JSON object (not null, not an array). */
export const isJsonObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Absent, or of this JSON type. */
export const optionalOf = (v: unknown, type: "number" | "string" | "boolean"): boolean => v === undefined || typeof v === type;
