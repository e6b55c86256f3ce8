import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { startGraphServer } from "../../../test/servers/graph/server";
import { AG_ALIAS, AG_SCHEMA, setUpAgSchema } from "../../../test/support/ag-schema";
import { startScimServer } from "../../../test/servers/scim";
import { ORDS_SECRET_OCID, SAMPLE_USERS, type LocalStack } from "../../../test/support/local-stack";

/**
 * Targets for the template authoring loop while a `--stay` sandbox runs: the loopback ORDS database (adb
 * templates), a SCIM identity domain (idcs) and a Graph-like directory (azuread), described in a preview.env
 * file (AG_SYSTEMS plus the loopback servers' test credentials), with one ready templates:preview command per set.
 */

export interface PreviewCommand {
  set: string;
  command: string;
  credentials: string;
}

const SCIM_CLIENT = { clientId: "sandbox-preview", clientSecret: "sandbox-preview-secret-0123" };
/** The sandbox gives Access Governance's schema a password (README's Basic alternative): Basic never expires. */
const AG_PASSWORD = "Sandbox#AgSchema2026";
const GRAPH_TOKEN = "sandbox-graph-token";

async function scimToken(url: string): Promise<string> {
  const r = await fetch(`${url}/oauth2/v1/token`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from(`${SCIM_CLIENT.clientId}:${SCIM_CLIENT.clientSecret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials&scope=urn%3Aopc%3Aidm%3A__myscopes__",
  });
  if (r.status !== 200) throw new Error(`sandbox SCIM server refused its own preview client (${r.status})`);
  return ((await r.json()) as { access_token: string }).access_token;
}

export async function startPreviewTargets(stack: LocalStack, dir: string, cwd: string): Promise<{ envFile: string; commands: PreviewCommand[]; close(): Promise<void> }> {
  const scim = await startScimServer({ clients: [SCIM_CLIENT], tokenTtlSeconds: 7 * 24 * 3600 });
  const graph = await startGraphServer({ token: GRAPH_TOKEN });
  const readers = scim.store.createGroup({ displayName: "DB-Readers" }).id;
  for (const u of SAMPLE_USERS) {
    const user = scim.store.createUser({ ocid: u.id, userName: u.name, email: u.email });
    scim.store.addMembers(readers, [user.id]);
    graph.addUser({ userPrincipalName: u.email, displayName: u.name, givenName: u.name.split(/[.@]/)[0], surname: "Example" });
  }
  graph.addGroup("DB-Readers", graph.users.map((u) => u.id));

  // The adb templates read only Access Governance's least-privilege schema (README, ag:setup-sql).
  await setUpAgSchema(stack.ords);
  stack.ords.db.ddlAlterUser(AG_SCHEMA, [{ k: "password", password: AG_PASSWORD }]);
  const ords = new URL(stack.ords.url);
  const host = (u: string) => new URL(u).host;
  const systems = [
    { name: "AutonomousDB", application: "adb", scheme: "http", host: ords.host, basePath: `/ords/${AG_ALIAS}`, auth: { type: "basic", secret: ORDS_SECRET_OCID } },
    { name: "IdentityDomain", application: "idcs", scheme: "http", host: host(scim.url), auth: { type: "idcs", secret: ORDS_SECRET_OCID } },
    { name: "EntraID", application: "azuread", scheme: "http", host: host(graph.url), auth: { type: "entra", secret: ORDS_SECRET_OCID, tokenPath: "/sandbox/oauth2/v2.0/token" } },
  ];
  const envFile = join(dir, "preview.env");
  writeFileSync(
    envFile,
    [
      "# Written by `npm start -- --stay`: the sandbox's loopback targets and their test credentials (nothing real).",
      `AG_SYSTEMS='${JSON.stringify(systems)}'`,
      // Quoted: an unquoted # would start a comment.
      `SANDBOX_ORDS_BASIC='${AG_SCHEMA}:${AG_PASSWORD}'`,
      `SANDBOX_IDCS_TOKEN='${await scimToken(scim.url)}'`,
      `SANDBOX_GRAPH_TOKEN='${GRAPH_TOKEN}'`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  const file = relative(cwd, envFile);
  const command = (system: string, auth: string, entity: string) =>
    `npm run templates:preview -- --env ${file} --system ${system} ${auth} --entity ${entity} --op SEARCH`;
  return {
    envFile,
    commands: [
      { set: "adb", command: command("AutonomousDB", "--basic env:SANDBOX_ORDS_BASIC", "DatabaseAccount"), credentials: "Access Governance's least-privilege schema on the loopback ORDS" },
      { set: "idcs", command: command("IdentityDomain", "--token env:SANDBOX_IDCS_TOKEN", "UserAsAccount"), credentials: "a token of the loopback identity domain's OAuth client" },
      { set: "azuread", command: command("EntraID", "--token env:SANDBOX_GRAPH_TOKEN", "Account"), credentials: "the loopback Graph server's bearer token" },
    ],
    close: async () => {
      await scim.close();
      await graph.close();
    },
  };
}
