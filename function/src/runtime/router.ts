import type { Invocation, Reply } from "./invocation";

/** Which job this deployment of the bundle does: the same image is deployed once per role. */
export async function route(inv: Invocation): Promise<Reply> {
  const role = inv.config.FUNCTION_ROLE ?? "provision";
  return { status: 501, body: { error: "not_implemented", role } };
}
