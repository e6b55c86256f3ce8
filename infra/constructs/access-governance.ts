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
 * Statement letting one Access Governance service instance (resource principal) find and invoke the functions of
 * the compartment. Form per Access Governance's resource-principal policies; see the infra notes for what could
 * not be verified without a tenancy.
 */
export function accessGovernanceStatement(instanceId: string, compartmentId: string): string {
  return (
    `Allow resource agcsgovernanceinstance agcs-rp to use functions-family in compartment id ${compartmentId} ` +
    `where all {request.principal.siOcid = '${instanceId}'}`
  );
}

export interface AccessGovernancePolicyProps {
  prefix: string;
  tenancyId: string;
  compartmentId: string;
  instanceId: string;
}

export class AccessGovernancePolicy extends Construct {
  readonly policy: IdentityPolicy;

  constructor(scope: Construct, id: string, props: AccessGovernancePolicyProps) {
    super(scope, id);
    this.policy = new IdentityPolicy(this, "invoke", {
      compartmentId: props.tenancyId,
      name: `${props.prefix}-access-governance`,
      description: "Access Governance may invoke the iam-adb-sync template functions",
      statements: [accessGovernanceStatement(props.instanceId, props.compartmentId)],
    });
  }
}
