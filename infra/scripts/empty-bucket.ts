/**
 * Destroy-time step of the audit bucket (see constructs/audit-bucket.ts): deletes every object and aborts every
 * multipart upload, because OCI refuses to delete a bucket that still holds either.
 *
 *   npx tsx infra/scripts/empty-bucket.ts --namespace NS --bucket NAME --region REGION --profile PROFILE
 *
 * A bucket that is already gone counts as empty, so a repeated destroy does not fail here.
 */
import { Command } from "commander";
import { ConfigFileAuthenticationDetailsProvider, Region } from "oci-common";
import { ObjectStorageClient } from "oci-objectstorage";

interface Options {
  namespace: string;
  bucket: string;
  region: string;
  profile: string;
}

const PARALLEL_DELETES = 8;

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

export async function emptyBucket(client: ObjectStorageClient, namespaceName: string, bucketName: string): Promise<number> {
  let deleted = 0;
  try {
    for await (const upload of client.listMultipartUploadsRecordIterator({ namespaceName, bucketName })) {
      await client.abortMultipartUpload({ namespaceName, bucketName, objectName: upload.object, uploadId: upload.uploadId });
    }
    let start: string | undefined;
    do {
      const page = await client.listObjects({ namespaceName, bucketName, start, limit: 1000 });
      const names = page.listObjects.objects.map((o) => o.name);
      // A few deletes in flight at once: a bucket holds one audit record per event, so there can be many.
      for (let i = 0; i < names.length; i += PARALLEL_DELETES) {
        const batch = names.slice(i, i + PARALLEL_DELETES);
        await Promise.all(batch.map((objectName) => client.deleteObject({ namespaceName, bucketName, objectName })));
        deleted += batch.length;
      }
      start = page.listObjects.nextStartWith;
    } while (start);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return deleted;
}

async function main(argv: string[]): Promise<void> {
  const o = new Command()
    .requiredOption("--namespace <ns>")
    .requiredOption("--bucket <name>")
    .requiredOption("--region <region>")
    .option("--profile <name>", "OCI config profile", "DEFAULT")
    .parse(argv)
    .opts<Options>();
  const client = new ObjectStorageClient({
    authenticationDetailsProvider: new ConfigFileAuthenticationDetailsProvider(undefined, o.profile),
  });
  client.region = Region.fromRegionId(o.region);
  const n = await emptyBucket(client, o.namespace, o.bucket);
  console.log(`emptied ${o.namespace}/${o.bucket}: ${n} object(s) deleted`);
}

if (require.main === module) {
  main(process.argv).catch((err: unknown) => {
    console.error(`empty-bucket: ${(err as Error).message}`);
    process.exit(1);
  });
}
