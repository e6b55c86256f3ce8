import { startScimServer } from "../../../test/servers/scim";
import { replyBody, startFunction } from "../../../test/support/fdk-harness";
import { AG_ALIAS, AG_CLIENT, setUpAgSchema } from "../../../test/support/ag-schema";
import type { LocalStack } from "../../../test/support/local-stack";

const SCIM_SECRET_OCID = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaasandboxscim";
const SCIM_CLIENT = { clientId: "sandbox-reconcile", clientSecret: "sandbox-reconcile-secret-0123" };

/**
 * Reconciliation as it is deployed (FUNCTION_ROLE=reconcile, invoked by a schedule with an empty body) against
 * an identity domain that knows what the events missed: a hire whose create event never arrived and a role a
 * DBA granted by hand.
 */
export async function reconcileChapter(stack: LocalStack, driftApplied: () => void): Promise<{ says: string[]; reply: ReturnType<typeof replyBody> }> {
  const scim = await startScimServer({ clients: [SCIM_CLIENT] });
  try {
    const readers = scim.store.createGroup({ displayName: "DB-Readers" }).id;
    const writers = scim.store.createGroup({ displayName: "DB-Writers" }).id;
    const bob = scim.store.createUser({ ocid: "ocid1.user.oc1..aaaabob", userName: "bob", email: "bob@example.com", active: false });
    scim.store.addMembers(writers, [bob.id]);
    const carol = scim.store.createUser({ ocid: "ocid1.user.oc1..aaaacarol", userName: "carol.smith@example.com", email: "carol.smith@example.com" });
    scim.store.addMembers(readers, [carol.id]);
    const dave = scim.store.createUser({ ocid: "ocid1.user.oc1..aaaadave", userName: "dave@example.com", email: "dave@example.com" });
    scim.store.addMembers(readers, [dave.id]);
    stack.ords.db.grant("CAROL_SMITH_EXAMPLE_COM", "SALES_WRITE");
    stack.oci.secrets.set(SCIM_SECRET_OCID, JSON.stringify(SCIM_CLIENT));
    driftApplied();

    const fn = await startFunction({
      ...stack.oci.env,
      ...stack.config,
      FUNCTION_ROLE: "reconcile",
      IDENTITY_DOMAIN_URL: scim.url,
      RECONCILE_SECRET_OCID: SCIM_SECRET_OCID,
    });
    try {
      const reply = replyBody(await fn.invoke(""));
      return {
        says: ["dave@example.com joined DB-Readers but his events were lost", "a DBA granted SALES_WRITE to CAROL_SMITH_EXAMPLE_COM by hand"],
        reply,
      };
    } finally {
      await fn.stop();
    }
  } finally {
    await scim.close();
  }
}

/** Vault secret of Access Governance's own OAuth client (the least-privilege schema's, never ADMIN's). */
export const AG_SECRET_OCID = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaagschema";

/**
 * What Access Governance gets from the request-template function for this product's database accounts,
 * after the README's least-privilege set-up (ag:setup-sql, the schema's own OAuth client in Vault).
 */
export async function accessGovernanceChapter(stack: LocalStack): Promise<ReturnType<typeof replyBody>> {
  await setUpAgSchema(stack.ords);
  stack.oci.secrets.set(AG_SECRET_OCID, JSON.stringify(AG_CLIENT));
  const url = new URL(stack.ords.url);
  const systems = [
    {
      name: "AutonomousDB",
      application: "adb",
      scheme: "http",
      host: url.host,
      basePath: `/ords/${AG_ALIAS}`,
      auth: { type: "ords", secret: AG_SECRET_OCID },
    },
  ];
  const fn = await startFunction({
    ...stack.oci.env,
    OCI_SECRETS_ENDPOINT: stack.config.OCI_SECRETS_ENDPOINT as string,
    FUNCTION_ROLE: "ag-request",
    AG_SYSTEMS: JSON.stringify(systems),
  });
  try {
    return replyBody(await fn.invoke({ connectedSystemName: "autonomousdb", entityName: "DatabaseAccount", operationName: "SEARCH" }));
  } finally {
    await fn.stop();
  }
}
