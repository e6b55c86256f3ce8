import { existsSync } from "node:fs";
import { resolve } from "node:path";

/**
 * The function's own config rules, loaded from the built contract bundle (function/build/config-contract.ts
 * writes it) so infra applies exactly what the deployed function applies, without importing function source.
 */
export const CONTRACT_FILE = resolve(__dirname, "../../dist/contract/function-config.js");

export type ConfigCheck = (env: Record<string, string>) => { key: string; message: string } | undefined;

let cached: ConfigCheck | undefined;

export function functionConfigCheck(file: string = CONTRACT_FILE): ConfigCheck {
  if (cached && file === CONTRACT_FILE) return cached;
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: build it with npx tsx function/build/config-contract.ts (npm run synth does)`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a built CommonJS bundle, loaded at synth
  const mod = require(file) as { checkFunctionConfig?: ConfigCheck };
  if (typeof mod.checkFunctionConfig !== "function") throw new Error(`${file} exports no checkFunctionConfig`);
  if (file === CONTRACT_FILE) cached = mod.checkFunctionConfig;
  return mod.checkFunctionConfig;
}

/** A rendered function config the function would refuse; the message names the function and the key. */
export class FunctionConfigRejected extends Error {
  constructor(
    readonly where: string,
    readonly key: string,
    reason: string,
  ) {
    super(`${where}: the function would refuse its config: ${reason}`);
    this.name = "FunctionConfigRejected";
  }
}
