import { createLogger } from "../../function/src/log/logger";
import { reconcile } from "../../function/src/reconcile/run";
import { watchingRequests } from "../support/server-requests";
import { startScenario } from "./scenario";

describe("reconcile: the membership read", () => {
  const log = createLogger("silent");

  it.each([
    ["1000", 100, 3],
    ["40", 40, 7],
  ])("pages mapped groups at most 100 to a page (RECONCILE_PAGE=%s → count %i, %i pages), and every membership counts", async (page, count, pages) => {
    // 250 groups, all mapped (more than the filter's 100 keys, so every group is paged through).
    const s = await startScenario({ users: 500, groups: 250, config: { RECONCILE_PAGE: page } });
    try {
      // The `count` of every Groups page the loopback identity domain is asked for.
      const counts: number[] = [];
      const first = await watchingRequests(
        (request) => {
          const url = new URL(request.url ?? "/", "http://loopback");
          if (url.pathname === "/admin/v1/Groups") counts.push(Number(url.searchParams.get("count")));
        },
        () => reconcile({ config: s.config, log, ...s.clients(log) }, { dryRun: false, force: true, deadline: null }),
      );
      expect(counts).toEqual(Array.from({ length: pages }, () => count));
      expect(first).toMatchObject({ report: { outcome: "applied", accountsToChange: 500 } });
      // Two groups per user, each mapped to a role: every account got both roles, so a second run changes nothing.
      const again = await reconcile({ config: s.config, log, ...s.clients(log) }, { dryRun: true, force: false, deadline: null });
      expect(again.report).toMatchObject({ outcome: "unchanged", unchanged: 500, accountsToChange: 0 });
    } finally {
      await s.close();
    }
  });
});
