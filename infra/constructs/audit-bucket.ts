import { Resource as NullResource } from "@cdktf/provider-null/lib/resource";
import { Construct } from "constructs";
import { ObjectstorageBucket } from "../.gen/providers/oci/objectstorage-bucket";
import { ObjectstorageObjectLifecyclePolicy } from "../.gen/providers/oci/objectstorage-object-lifecycle-policy";

export interface AuditBucketProps {
  prefix: string;
  compartmentId: string;
  namespace: string;
  region: string;
  ociConfigProfile: string;
  retentionDays: number;
  kmsKeyId?: string;
}

/**
 * Private bucket for the function's audit records: no public access, objects expire after the retention,
 * optional customer-managed key. OCI refuses to delete a bucket that holds objects, so a destroy-time step
 * deletes the remaining records first (documented choice: destroy means the audit trail goes too; copy it out
 * before destroying an environment whose records must be kept).
 */
export class AuditBucket extends Construct {
  readonly bucket: ObjectstorageBucket;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: AuditBucketProps) {
    super(scope, id);
    this.bucketName = `${props.prefix}-audit`;
    this.bucket = new ObjectstorageBucket(this, "bucket", {
      compartmentId: props.compartmentId,
      namespace: props.namespace,
      name: this.bucketName,
      accessType: "NoPublicAccess",
      storageTier: "Standard",
      versioning: "Disabled",
      objectEventsEnabled: false,
      kmsKeyId: props.kmsKeyId,
    });
    new ObjectstorageObjectLifecyclePolicy(this, "retention", {
      namespace: props.namespace,
      bucket: this.bucket.name,
      rules: [
        {
          name: "expire-audit-records",
          action: "DELETE",
          isEnabled: true,
          target: "objects",
          timeAmount: String(props.retentionDays),
          timeUnit: "DAYS",
        },
        {
          name: "abort-stale-uploads",
          action: "ABORT",
          isEnabled: true,
          target: "multipart-uploads",
          timeAmount: "1",
          timeUnit: "DAYS",
        },
      ],
    });
    // Destroy-time provisioners may only read `self`, so what the emptier needs travels in its triggers.
    new NullResource(this, "empty-on-destroy", {
      dependsOn: [this.bucket],
      triggers: {
        namespace: props.namespace,
        bucket: this.bucketName,
        region: props.region,
        profile: props.ociConfigProfile,
      },
      provisioners: [
        {
          type: "local-exec",
          when: "destroy",
          workingDir: "${path.module}/../../..",
          command:
            "npx tsx infra/scripts/empty-bucket.ts --namespace ${self.triggers.namespace} --bucket ${self.triggers.bucket}" +
            " --region ${self.triggers.region} --profile ${self.triggers.profile}",
        },
      ],
    });
  }
}
