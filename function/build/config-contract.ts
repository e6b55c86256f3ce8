/**
 * The function's config check as a stand-alone bundle (dist/contract/function-config.js), so the infrastructure
 * can apply exactly the rules the deployed function applies without importing function source:
 *
 *   npx tsx function/build/config-contract.ts
 */
import { build } from "esbuild";
import { resolve } from "node:path";
import { ConfigError, loadConfig } from "../src/config/load";

export const CONTRACT_FILE = resolve(__dirname, "../../dist/contract/function-config.js");

/** What infra calls: undefined when the function would start with this config, else the key and the reason. */
export function checkFunctionConfig(env: Record<string, string>): { key: string; message: string } | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return { key: err.key, message: err.message };
    throw err;
  }
}

export async function buildConfigContract(outfile: string = CONTRACT_FILE): Promise<string> {
  await build({
    entryPoints: [__filename],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "warning",
    // The build helpers stay out of the contract: it only checks config.
    external: ["esbuild"],
  });
  return outfile;
}

if (require.main === module) {
  buildConfigContract().then(
    (file) => console.log(`built ${file}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
