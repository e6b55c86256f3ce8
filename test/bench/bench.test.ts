import { markdownTable } from "../../bench/lib/markdown";
import { summarize } from "../../bench/lib/summary";
import { runBenchmarks, type Plan } from "../../bench/run";

/** The Markdown tables of a report, each as rows of trimmed cells (header first, rule line dropped). */
function tables(md: string): string[][][] {
  const blocks = md.split(/\n(?!\|)/).map((b) => b.split("\n").filter((l) => l.startsWith("|")));
  return blocks
    .filter((rows) => rows.length > 0)
    .map((rows) =>
      rows
        .filter((r) => !/^\|( -+:? \|)+$/.test(r))
        .map((r) => r.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim())),
    );
}

describe("bench helpers", () => {
  it("summarize ranks samples exactly: median, nearest-rank p99, range", () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(s).toEqual({ n: 100, median: 50.5, p99: 99, min: 1, max: 100 });
    expect(summarize([0.25, 7, 3])).toMatchObject({ median: 3, p99: 7, min: 0.25 });
    expect(() => summarize([])).toThrow("no samples");
  });

  it("markdownTable escapes pipes and refuses a row of the wrong width", () => {
    expect(markdownTable(["a", "b"], [["x|y", "1"]], ["l", "r"])).toBe("| a | b |\n| --- | ---: |\n| x\\|y | 1 |");
    expect(() => markdownTable(["a", "b"], [["only one"]])).toThrow("row has 1 cells, expected 2");
  });
});

describe("npm run bench, with tiny counts", () => {
  const tiny: Plan = { name: "tiny", startupRuns: 1, load: { rounds: 1, usersPerRound: 2 }, warmEvents: 2, overheadUsers: 2, synthRuns: 1, reconcileSizes: [1000], histories: 3 };
  let report = "";
  beforeAll(async () => {
    report = await runBenchmarks(tiny);
  }, 600_000);

  it("names the machine and the run", () => {
    expect(report).toMatch(/^# iam-adb-sync benchmarks\n\n\d{4}-\d\d-\d\dT\S+Z · node v\d+\.\d+\.\d+ · \d+ cores .* · tiny run in \d+ s\n/);
  });

  it("writes well-formed tables: every row as wide as its header, no empty cell", () => {
    const all = tables(report);
    expect(all).toHaveLength(4);
    for (const t of all) {
      expect(t.length).toBeGreaterThan(1);
      for (const r of t) {
        expect(r).toHaveLength(t[0].length);
        for (const c of r) expect(c).not.toBe("");
      }
    }
  });

  it("reports every measure against a baseline from the same run, with a ratio and a run count", () => {
    const [main] = tables(report);
    expect(main[0]).toEqual(["measure", "ours", "baseline", "ours ÷ baseline", "runs", "note"]);
    const rows = main.slice(1);
    for (const r of rows) {
      expect(r).toHaveLength(6);
      expect(r[3]).toMatch(/^\d+\.\d\d×$/);
      expect(r[4]).toMatch(/\d/);
    }
    const measures = rows.map((r) => r[0]);
    for (const m of [/^bundle size/, /^start-up .* echo/, /^start-up .* tsx/, /^start-up .* naive/, /^warm throughput/, /^latency p50/, /^latency p99/, /^peak RSS .* smallest/, /^cdktf synth/, /^warm overhead per event, p50/, /^warm overhead per event, p99/, /spawn → first reply/, /first real event/]) {
      expect(measures.some((x) => m.test(x))).toBe(true);
    }
    const size = rows.find((r) => r[0].startsWith("bundle size"))!;
    expect(Number.parseFloat(size[3])).toBeLessThan(1);
  });

  it("counts remote calls per event: secret and token only when cold", () => {
    const calls = tables(report)[1];
    expect(calls[0]).toEqual(["event", "Vault secret", "ORDS token", "ORDS SQL", "Object Storage (audit)", "IAM look-ups", "total", "IAM + ORDS SQL (goal warm ≤ 1 + 2)"]);
    const row = (prefix: string) => calls.find((r) => r[0].startsWith(prefix))!.slice(1).map(Number);
    const [vault, token, sql] = row("cold: fresh process");
    expect([vault, token]).toEqual([1, 1]);
    expect(sql).toBeGreaterThanOrEqual(1);
    const warm = row("warm: createuser");
    expect(warm.slice(0, 2)).toEqual([0, 0]);
    expect(warm[5]).toBe(warm.slice(0, 5).reduce((a, b) => a + b, 0));
    const warmCells = calls.find((r) => r[0].startsWith("warm: createuser"))!;
    expect(warmCells[7]).toBe(`${warmCells[5]} + ${warmCells[3]}`);
  });

  it("runs the history checker and reports histories checked and divergences (issue 9)", () => {
    const hist = tables(report)[3];
    expect(hist[0]).toEqual(["histories checked", "bundle copies", "deliveries", "divergences", "time per history"]);
    expect(hist[1].slice(0, 2)).toEqual(["3", "4"]);
    expect(hist[1][3]).toBe("0");
  });

  it("includes reconcile time, memory and calls from bench/reconcile.ts", () => {
    expect(report).toContain("## Reconciliation at 1,000 users");
    const rec = tables(report)[2];
    const head = rec[0].join(" | ");
    for (const column of [/^users \|/, /\| phase \|/, /peak RSS/, /\| ORDS calls \|/]) expect(head).toMatch(column);
    const initial = rec.find((r) => r.some((c) => c.startsWith("initial")))!;
    expect(initial[0]).toBe("1,000");
  });
});
