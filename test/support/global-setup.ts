import { bundleFunction } from "../../function/build/bundle";

/** Tests run the bundled function, as deployed; build it once per run. */
export default async function globalSetup(): Promise<void> {
  await bundleFunction();
}
