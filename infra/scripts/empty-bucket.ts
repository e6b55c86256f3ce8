/**
 * Destroy-time step of the audit bucket (see constructs/audit-bucket.ts). OCI refuses to delete a bucket that
 * still holds objects, object versions or multipart uploads; this step deletes them, but only when the person
 * running the destroy asks for it at that moment:
 *
 *   IAM_ADB_SYNC_EMPTY_AUDIT_BUCKET=<bucket name> npm run destroy -- <env>
 *
 *   npx tsx infra/scripts/empty-bucket.ts --namespace NS --bucket NAME --bucket-id OCID --compartment OCID \
 *       --region REGION --profile PROFILE
 *
 * Without that variable (or with another bucket's name in it) nothing is deleted: the records stay and OCI's
 * bucket deletion then stops the destroy. Terraform also runs this step when it replaces the step itself; the
 * deploy script never passes the variable, so a replacement never deletes anything.
 */
import { Command } from "commander";
import { ConfigFileAuthenticationDetailsProvider, Region } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";

export const CONFIRM_VARIABLE = "IAM_ADB_SYNC_EMPTY_AUDIT_BUCKET";

export interface EmptyTarget {
  namespaceName: string;
  bucketName: string;
  /** OCID of the bucket this stack created: a same-named bucket created since is not ours to empty. */
  bucketId: string;
  compartmentId: string;
}

export type EmptyOutcome =
  | { kind: "kept"; reason: string }
  | { kind: "gone" }
  | { kind: "emptied"; deletedVersions: number; abortedUploads: number };

const PARALLEL_DELETES = 8;

const statusOf = (err: unknown) => (err as { statusCode?: number }).statusCode;

/**
 * OCI answers 404 both for "no such bucket" and for "not authorized", so a 404 proves nothing. The bucket
 * counts as gone only when an authorized listing of its compartment succeeds and does not contain it.
 */
async function confirmGone(client: ObjectStorageClient, t: EmptyTarget): Promise<boolean> {
  for await (const b of client.listBucketsRecordIterator({ namespaceName: t.namespaceName, compartmentId: t.compartmentId })) {
    if (b.name === t.bucketName) return false;
  }
  return true;
}

async function deleteAll(client: ObjectStorageClient, t: EmptyTarget): Promise<{ versions: number; uploads: number }> {
  const { namespaceName, bucketName } = t;
  let uploads = 0;
  for await (const upload of client.listMultipartUploadsRecordIterator({ namespaceName, bucketName })) {
    await client.abortMultipartUpload({ namespaceName, bucketName, objectName: upload.object, uploadId: upload.uploadId });
    uploads++;
  }
  // Versioning is on: every version (and delete marker) must go, not just the latest objects. Each round lists
  // from the start again, so what the deletes do to page tokens cannot make a round skip anything.
  let versions = 0;
  for (;;) {
    const items = (await client.listObjectVersions({ namespaceName, bucketName, limit: 1000 })).objectVersionCollection.items;
    if (items.length === 0) break;
    for (let i = 0; i < items.length; i += PARALLEL_DELETES) {
      const batch = items.slice(i, i + PARALLEL_DELETES);
      await Promise.all(
        batch.map((v) => client.deleteObject({ namespaceName, bucketName, objectName: v.name, versionId: v.versionId })),
      );
      versions += batch.length;
    }
  }
  return { versions, uploads };
}

/** Empties the bucket if `confirmation` names it, the bucket is the one this stack made and no rule forbids it. */
export async function emptyBucket(client: ObjectStorageClient, t: EmptyTarget, confirmation: string | undefined): Promise<EmptyOutcome> {
  if (confirmation !== t.bucketName) {
    return {
      kind: "kept",
      reason:
        `audit records in ${t.namespaceName}/${t.bucketName} are kept (${CONFIRM_VARIABLE} is ` +
        `${confirmation === undefined ? "not set" : `"${confirmation}", not the bucket's name`}); to delete them with ` +
        `the bucket, run the destroy again with ${CONFIRM_VARIABLE}=${t.bucketName}`,
    };
  }
  let bucket;
  try {
    bucket = (await client.getBucket({ namespaceName: t.namespaceName, bucketName: t.bucketName })).bucket;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
    if (await confirmGone(client, t)) return { kind: "gone" };
    throw new Error(
      `${t.bucketName}: Object Storage answered 404 although the bucket is listed in its compartment: the ` +
        "profile may read the compartment but not the bucket; nothing was deleted",
    );
  }
  if (bucket.id !== undefined && bucket.id !== t.bucketId) {
    throw new Error(`${t.bucketName} is ${bucket.id}, not the bucket this stack created (${t.bucketId}); nothing was deleted`);
  }
  const rules = (await client.listRetentionRules({ namespaceName: t.namespaceName, bucketName: t.bucketName })).retentionRuleCollection.items;
  const binding = rules.filter((r) => r.duration !== undefined);
  if (binding.length > 0) {
    const names = binding.map((r) => `${r.displayName} (${r.duration?.timeAmount} ${r.duration?.timeUnit})`).join(", ");
    throw new Error(
      `${t.bucketName} has retention rule(s) ${names}: records younger than that cannot be deleted, so the bucket ` +
        "stays; keep it and finish the destroy with npm run destroy -- <env> --keep-audit; nothing was deleted",
    );
  }
  const { versions, uploads } = await deleteAll(client, t);
  return { kind: "emptied", deletedVersions: versions, abortedUploads: uploads };
}

interface Options {
  namespace: string;
  bucket: string;
  bucketId: string;
  compartment: string;
  region: string;
  profile: string;
}

async function main(argv: string[]): Promise<void> {
  const o = new Command()
    .requiredOption("--namespace <ns>")
    .requiredOption("--bucket <name>")
    .requiredOption("--bucket-id <ocid>")
    .requiredOption("--compartment <ocid>")
    .requiredOption("--region <region>")
    .option("--profile <name>", "OCI config profile (the one Terraform uses)", "DEFAULT")
    .parse(argv)
    .opts<Options>();
  const client = new ObjectStorageClient({
    authenticationDetailsProvider: new ConfigFileAuthenticationDetailsProvider(process.env.OCI_CLI_CONFIG_FILE, o.profile),
  });
  client.region = Region.fromRegionId(o.region);
  if (process.env.OCI_OBJECTSTORAGE_ENDPOINT) client.endpoint = process.env.OCI_OBJECTSTORAGE_ENDPOINT;
  const target = { namespaceName: o.namespace, bucketName: o.bucket, bucketId: o.bucketId, compartmentId: o.compartment };
  const r = await emptyBucket(client, target, process.env[CONFIRM_VARIABLE]);
  if (r.kind === "kept") console.log(r.reason);
  else if (r.kind === "gone") console.log(`${o.namespace}/${o.bucket} no longer exists`);
  else console.log(`emptied ${o.namespace}/${o.bucket}: ${r.deletedVersions} object version(s), ${r.abortedUploads} upload(s)`);
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    console.error(`empty-bucket: ${(err as Error).message}`);
    process.exit(1);
  });
}
