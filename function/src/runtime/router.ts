import { handleProvision } from "../provision/handler";
import { parseScheduledRequest } from "../reconcile/request";
import type { Invocation, Reply } from "./invocation";

const ROLES = ["provision", "reconcile", "ag-schema", "ag-request", "ag-response", "ag-test"] as const;

/**
 * Which job this deployment of the bundle does: the same image is deployed once per role. The reconcile and
 * template roles' modules are imported on their first invocation, so a provisioning function never runs
 * (nor keeps in memory) their module code, templates included.
 */
export async function route(inv: Invocation): Promise<Reply> {
  const role = inv.config.FUNCTION_ROLE ?? "provision";
  switch (role) {
    case "provision":
      return handleProvision(inv);
    case "reconcile":
      // A deployment for schedulers: every invocation is a reconcile run, whatever (if anything) the body says.
      return (await import("../reconcile/handler")).handleReconcile(inv, parseScheduledRequest(inv.body));
    case "ag-schema":
    case "ag-request":
    case "ag-response":
    case "ag-test":
      return (await import("../governance")).handleTemplateInvocation(role, inv);
    default:
      return {
        status: 400,
        body: {
          error: "unknown_function_role",
          message: `config FUNCTION_ROLE is "${String(role).slice(0, 40)}"; expected one of ${ROLES.join(", ")}`,
        },
      };
  }
}
