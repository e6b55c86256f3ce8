import { handleTemplateInvocation } from "../governance";
import { handleProvision } from "../provision/handler";
import type { Invocation, Reply } from "./invocation";

const ROLES = ["provision", "ag-schema", "ag-request", "ag-response", "ag-test"] as const;

/** Which job this deployment of the bundle does: the same image is deployed once per role. */
export async function route(inv: Invocation): Promise<Reply> {
  const role = inv.config.FUNCTION_ROLE ?? "provision";
  switch (role) {
    case "provision":
      return handleProvision(inv);
    case "ag-schema":
    case "ag-request":
    case "ag-response":
    case "ag-test":
      return handleTemplateInvocation(role, inv);
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
