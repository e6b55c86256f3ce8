import { bundleFunction } from "../../function/build/bundle";
import { buildConfigContract } from "../../function/build/config-contract";

/** Tests run the bundled function, as deployed; build it once per run. */
export default async function globalSetup(): Promise<void> {
  await bundleFunction();
  // infra applies the function's config rules at synth from this built contract.
  await buildConfigContract();
}
