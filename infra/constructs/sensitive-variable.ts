import { TerraformVariable } from "cdktf";
import type { Construct } from "constructs";

/**
 * A sensitive input that only create/update needs. Its default is empty so `cdktf destroy` runs without the
 * value; `requiredOnApply` makes a deploy without it fail at plan time, naming the TF_VAR_ to export
 * (Terraform does not evaluate preconditions of resources it destroys).
 */
export function sensitiveVariable(scope: Construct, name: string, description: string): TerraformVariable {
  const v = new TerraformVariable(scope, name, {
    type: "string",
    sensitive: true,
    nullable: false,
    default: "",
    description: `${description}; export TF_VAR_${name} for deploy (destroy does not need it)`,
  });
  v.overrideLogicalId(name);
  return v;
}

export function requiredOnApply(name: string): { condition: string; errorMessage: string } {
  return { condition: `\${var.${name} != ""}`, errorMessage: `export TF_VAR_${name}: deploy needs it (destroy does not)` };
}
