import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./paths";

// Jest project "node22": the bundled function runs on Node 22 (the node@22 devDependency), the runtime of
// the fnproject/node:22 image, while the tests themselves run on the machine's node.
const node22 = join(ROOT, "node_modules", "node", "bin", "node");
const version = execFileSync(node22, ["--version"], { encoding: "utf8" }).trim();
if (!version.startsWith("v22.")) throw new Error(`${node22} is ${version}, not Node 22: run npm ci`);
process.env.FUNCTION_NODE = node22;
