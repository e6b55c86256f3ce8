import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "../..");
/** Built once per jest run by global-setup.ts. */
export const BUNDLE_FILE = join(ROOT, "dist", "function", "func.js");
export const EXAMPLES = join(ROOT, "examples");
/**
 * The node binary that runs the bundled function: FUNCTION_NODE when a jest project sets it (the Node 22
 * parity run), else the node running the tests.
 */
export const functionNode = (): string => process.env.FUNCTION_NODE || process.execPath;
