import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "../..");
/** Built once per jest run by global-setup.ts. */
export const BUNDLE_FILE = join(ROOT, "dist", "function", "func.js");
export const EXAMPLES = join(ROOT, "examples");
