import { DataResource, type ITerraformDependable } from "cdktf";
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
  /** Object Storage retention rule (days): nothing younger can be changed or deleted. */
  retentionRuleDays?: number;
  kmsKeyId?: string;
  /**
   * The policy that lets Object Storage act on the bucket (lifecycle deletes, the customer-managed key): the
   * bucket and its lifecycle policy are created only after it.
   */
  servicePolicy?: ITerraformDependable;
}

/** cdktf runs terraform in cdktf.out/stacks/<stack>; the scripts run from the repository root. */
const REPO_ROOT_FROM_STACK = "${path.module}/../../..";

/**
 * Private, versioned bucket for the function's audit records: no public access, every overwrite or delete keeps
 * the previous version, records and old versions expire after the retention, an optional retention rule makes
 * them immutable, optional customer-managed key.
 *
 * OCI refuses to delete a bucket that holds objects. A destroy-time step empties it only when the person running
 * the destroy asks for it right then (IAM_ADB_SYNC_EMPTY_AUDIT_BUCKET, read by the step): otherwise the records
 * and the bucket survive and the destroy stops at the bucket. The step's stored input holds only the bucket's
 * identity; nothing in it forces a replacement (terraform_data replaces only on triggers_replace, which is unset).
 */
export class AuditBucket extends Construct {
  readonly bucket: ObjectstorageBucket;
  readonly bucketName: string;
  /** The destroy-time emptier: whatever writes to the bucket must depend on it, so it is destroyed first. */
  readonly emptier: DataResource;

  constructor(scope: Construct, id: string, props: AuditBucketProps) {
    super(scope, id);
    this.bucketName = `${props.prefix}-audit`;
    const after = props.servicePolicy ? [props.servicePolicy] : undefined;
    this.bucket = new ObjectstorageBucket(this, "bucket", {
      compartmentId: props.compartmentId,
      namespace: props.namespace,
      name: this.bucketName,
      accessType: "NoPublicAccess",
      storageTier: "Standard",
      versioning: "Enabled",
      objectEventsEnabled: false,
      kmsKeyId: props.kmsKeyId,
      retentionRules:
        props.retentionRuleDays === undefined
          ? undefined
          : [{ displayName: "audit-records-immutable", duration: { timeAmount: String(props.retentionRuleDays), timeUnit: "DAYS" } }],
      dependsOn: props.kmsKeyId ? after : undefined,
    });
    const expiry = String(props.retentionDays);
    new ObjectstorageObjectLifecyclePolicy(this, "retention", {
      namespace: props.namespace,
      bucket: this.bucket.name,
      rules: [
        { name: "expire-audit-records", action: "DELETE", isEnabled: true, target: "objects", timeAmount: expiry, timeUnit: "DAYS" },
        {
          name: "expire-previous-versions",
          action: "DELETE",
          isEnabled: true,
          target: "previous-object-versions",
          timeAmount: expiry,
          timeUnit: "DAYS",
        },
        { name: "abort-stale-uploads", action: "ABORT", isEnabled: true, target: "multipart-uploads", timeAmount: "1", timeUnit: "DAYS" },
      ],
      dependsOn: after,
    });
    // Destroy-time provisioners may only read `self`: the bucket's identity travels in `input` (an in-place
    // update when it changes, never a replacement). The profile is the one Terraform's provider signs with.
    this.emptier = new DataResource(this, "empty-on-destroy", {
      input: {
        namespace: props.namespace,
        bucket: this.bucket.name,
        bucket_id: this.bucket.bucketId,
        compartment_id: props.compartmentId,
        region: props.region,
        profile: props.ociConfigProfile,
      },
      provisioners: [
        {
          type: "local-exec",
          when: "destroy",
          workingDir: REPO_ROOT_FROM_STACK,
          command:
            "npx tsx infra/scripts/empty-bucket.ts --namespace ${self.input.namespace} --bucket ${self.input.bucket}" +
            " --bucket-id ${self.input.bucket_id} --compartment ${self.input.compartment_id}" +
            " --region ${self.input.region} --profile ${self.input.profile}",
        },
      ],
    });
  }
}
