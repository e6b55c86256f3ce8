import { Construct } from "constructs";
import { IdentityPolicy } from "../.gen/providers/oci/identity-policy";
import type { FunctionSpec } from "./function-app";

/**
 * Access Governance's Generic REST orchestrated system looks its four template functions up by these names
 * inside the application it is pointed at; each runs the same image with its own FUNCTION_ROLE.
 */
export const AG_FUNCTIONS = [
  { name: "grc-schema-template", role: "ag-schema" },
  { name: "grc-request-template", role: "ag-request" },
  { name: "grc-response-template", role: "ag-response" },
  { name: "grc-test-template", role: "ag-test" },
] as const;

/** The four template functions, each carrying the connected systems as compact JSON (AG_SYSTEMS). */
export function accessGovernanceFunctions(systems: Record<string, unknown>[]): FunctionSpec[] {
  const agSystems = JSON.stringify(systems);
  return AG_FUNCTIONS.map((f) => ({ name: f.name, role: f.role, config: { AG_SYSTEMS: agSystems } }));
}

/** Every Vault secret OCID the connected-system configs mention (their shape is the function's business). */
export function referencedSecrets(systems: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === "string" && v.startsWith("ocid1.vaultsecret.")) found.add(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(systems);
  return [...found].sort();
}

/**
 * Statements for one Access Governance service instance (resource principal). Invocation is scoped to the four
 * template functions by `target.function.id` (the variable OCI documents for fn-invocation in "Controlling
 * Access to Invoke and Manage Functions"), so the instance cannot invoke the provisioning or reconcile
 * functions, which run as ADMIN on the database. Finding the functions by application name needs read on
 * fn-app and fn-function (list and get, no invoke); OCI offers no per-function variable for list calls.
 */
export function accessGovernanceStatements(instanceId: string, compartmentId: string, functionIds: readonly string[]): string[] {
  if (functionIds.length === 0) throw new Error("Access Governance policy needs the template functions' ids");
  const principal = `request.principal.siOcid = '${instanceId}'`;
  const who = "Allow resource agcsgovernanceinstance agcs-rp";
  const where = `in compartment id ${compartmentId}`;
  return [
    `${who} to read fn-app ${where} where all {${principal}}`,
    `${who} to read fn-function ${where} where all {${principal}}`,
    `${who} to use fn-invocation ${where} where all {${principal}, any {${functionIds.map((id) => `target.function.id = '${id}'`).join(", ")}}}`,
  ];
}

export interface AccessGovernancePolicyProps {
  prefix: string;
  tenancyId: string;
  compartmentId: string;
  instanceId: string;
  /** OCIDs (tokens at synth time) of the four template functions. */
  functionIds: readonly string[];
}

export class AccessGovernancePolicy extends Construct {
  readonly policy: IdentityPolicy;

  constructor(scope: Construct, id: string, props: AccessGovernancePolicyProps) {
    super(scope, id);
    this.policy = new IdentityPolicy(this, "invoke", {
      compartmentId: props.tenancyId,
      name: `${props.prefix}-access-governance`,
      description: "Access Governance may invoke the four iam-adb-sync template functions, nothing else",
      statements: accessGovernanceStatements(props.instanceId, props.compartmentId, props.functionIds),
    });
  }
}
