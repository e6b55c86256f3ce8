import { startScenario } from "../test/reconcile/scenario";
import { createLogger } from "../function/src/log/logger";
import { reconcile } from "../function/src/reconcile/run";
import { request } from "node:http";
(async () => {
  const s = await startScenario({ users: 1000, groups: 50, config: { RECONCILE_PAGE: "1000", RECONCILE_BATCH: "500" } });
  const log = createLogger("silent");
  await reconcile({ config: s.config, log, ...s.clients(log) }, { dryRun: false, force: true, deadline: null });
  const c = s.clients(log);
  const tok = await (c.scim as any).o.tokens.get(null);
  const get = (path: string) => new Promise<string>((res) => { request(s.raw.IDENTITY_DOMAIN_URL + path, { headers: { Authorization: `Bearer ${tok}` } }, (r) => { let b = ""; r.on("data", (d) => (b += d)); r.on("end", () => res(b)); }).end(); });
  const u = await get("/admin/v1/Users?attributes=ocid,userName,active,urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User:locked&sortBy=ocid&startIndex=1&count=2");
  console.log(u);
  const g = await get("/admin/v1/Groups?attributes=displayName,ocid,members&startIndex=1&count=1");
  console.log(g.slice(0, 1500), g.length);
  const rs = await c.ords.queries(["SELECT USERNAME, ACCOUNT_STATUS, AUTHENTICATION_TYPE, EXTERNAL_NAME, CREATED, ORACLE_MAINTAINED FROM DBA_USERS WHERE USERNAME IN ('USER1_EXAMPLE_COM')", "SELECT DB_USERNAME, IAM_USER_ID, IAM_USER_NAME, AUTH_MODE, MAPPED_GROUPS, STATUS, VERSION, CREATED_AT FROM IAM_ADB_SYNC_ACCOUNTS WHERE DB_USERNAME='USER1_EXAMPLE_COM'", "SELECT GRANTEE, GRANTED_ROLE FROM DBA_ROLE_PRIVS WHERE GRANTEE IN ('USER1_EXAMPLE_COM')"], [], null, { offset: 0, limit: 100 });
  console.log(JSON.stringify(rs));
  await s.close();
})();
