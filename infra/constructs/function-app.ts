import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { FunctionsApplication } from "../.gen/providers/oci/functions-application";
import { FunctionsFunction } from "../.gen/providers/oci/functions-function";
import { assertConfigFits, exampleConfig, renderConfig, type ConfigValue } from "../config/function-config";
import { FunctionConfigRejected, functionConfigCheck } from "../contract/function-config";
import { nodeOptionsFor } from "../config/heap-flags";

export interface FunctionSpec {
  /** Display name (unique in the application). */
  name: string;
  /** FUNCTION_ROLE: which job this deployment of the bundle does. */
  role: string;
  /** Role-specific entries on top of the application config. */
  config?: Record<string, ConfigValue>;
}

export interface FunctionAppProps {
  prefix: string;
  compartmentId: string;
  subnetId: string;
  shape: "GENERIC_X86" | "GENERIC_ARM";
  image: string;
  /** Digest the push produced: the functions run exactly these bytes. */
  imageDigest: string;
  /**
   * What every function waits for: the image push, and the audit emptier (so on destroy the functions, the
   * audit writers, are gone before the emptier runs).
   */
  after: ITerraformDependable[];
  memoryMb: number;
  timeoutSeconds: number;
  /** Shared config for every function (the provisioning keys); checked against the 4 KB limit here. */
  config: Record<string, ConfigValue>;
  functions: FunctionSpec[];
}

/** The heap flags of a shape: decided with the bundle, whose V8 code caches are built for exactly these. */
export { nodeOptionsFor };

/**
 * One Functions application in the private subnet and one function per role, all running the same image.
 * Shared config sits on the application, FUNCTION_ROLE and role-specific keys on each function; both maps are
 * checked against the OCI 4 KB limit at synth, and each function's merged config against the function's own
 * config rules (the built contract), so a config the function would refuse at run time fails synth instead.
 */
export class FunctionApp extends Construct {
  readonly application: FunctionsApplication;
  readonly functions: Record<string, FunctionsFunction> = {};

  constructor(scope: Construct, id: string, props: FunctionAppProps) {
    super(scope, id);
    assertConfigFits(`application ${props.prefix}-app`, props.config);
    this.application = new FunctionsApplication(this, "application", {
      compartmentId: props.compartmentId,
      displayName: `${props.prefix}-app`,
      subnetIds: [props.subnetId],
      shape: props.shape,
      config: renderConfig(props.config),
    });
    const check = functionConfigCheck();
    for (const spec of props.functions) {
      const config: Record<string, ConfigValue> = { FUNCTION_ROLE: spec.role, NODE_OPTIONS: nodeOptionsFor(props.memoryMb), ...spec.config };
      assertConfigFits(`function ${spec.name}`, config);
      const rejected = check(exampleConfig({ ...props.config, ...config }));
      if (rejected) throw new FunctionConfigRejected(`function ${spec.name}`, rejected.key, rejected.message);
      this.functions[spec.role] = new FunctionsFunction(this, spec.role, {
        applicationId: this.application.id,
        displayName: spec.name,
        image: props.image,
        imageDigest: props.imageDigest,
        memoryInMbs: String(props.memoryMb),
        timeoutInSeconds: props.timeoutSeconds,
        config: renderConfig(config),
        dependsOn: props.after,
      });
    }
  }
}
