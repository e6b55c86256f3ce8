import { Construct } from "constructs";
import { LoggingLog } from "../.gen/providers/oci/logging-log";
import { LoggingLogGroup } from "../.gen/providers/oci/logging-log-group";

export interface FunctionLoggingProps {
  prefix: string;
  compartmentId: string;
  applicationId: string;
  retentionDays: number;
}

/** A log group and the Functions application's invoke service log (stdout/stderr of every function). */
export class FunctionLogging extends Construct {
  readonly logGroup: LoggingLogGroup;
  readonly invokeLog: LoggingLog;

  constructor(scope: Construct, id: string, props: FunctionLoggingProps) {
    super(scope, id);
    this.logGroup = new LoggingLogGroup(this, "group", {
      compartmentId: props.compartmentId,
      displayName: `${props.prefix}-logs`,
      description: "iam-adb-sync function logs",
    });
    this.invokeLog = new LoggingLog(this, "invoke", {
      logGroupId: this.logGroup.id,
      displayName: `${props.prefix}-invoke`,
      logType: "SERVICE",
      isEnabled: true,
      retentionDuration: props.retentionDays,
      configuration: {
        compartmentId: props.compartmentId,
        source: {
          sourceType: "OCISERVICE",
          service: "functions",
          category: "invoke",
          resource: props.applicationId,
        },
      },
    });
  }
}
