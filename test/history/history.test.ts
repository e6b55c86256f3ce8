import { HistoryRig, type HistoryOutcome } from "./checker";
import { generateHistory } from "./generator";

/**
 * The history checker: seeded random IAM histories against ≥ 4 copies of the real bundle, the final
 * database compared with the model of the identity domain's final state (README "Safety rules").
 *   HISTORIES=5000 npx jest test/history            a longer run
 *   HISTORY_SEED=1234 npx jest test/history         replay one seed (prints its deliveries)
 *   HISTORY_BASE=100000 HISTORIES=500 …             another range of seeds
 */
const single = process.env.HISTORY_SEED !== undefined ? Number(process.env.HISTORY_SEED) : undefined;
const count = single !== undefined ? 1 : Number(process.env.HISTORIES ?? 300);
const base = Number(process.env.HISTORY_BASE ?? 1);
const copies = Number(process.env.HISTORY_COPIES ?? 4);

describe(`history checker: ${count} seeded histories over ${copies} bundle copies`, () => {
  let rig: HistoryRig;
  beforeAll(async () => {
    rig = await HistoryRig.start(copies);
  }, 60_000);
  afterAll(() => rig?.stop());

  it("the database ends as the model of the identity domain's final state says, for every history", async () => {
    const failed: HistoryOutcome[] = [];
    const started = Date.now();
    for (let i = 0; i < count; i++) {
      const seed = single ?? base + i;
      const outcome = await rig.run(generateHistory(seed));
      if (outcome.divergences.length > 0) failed.push(outcome);
      if (single !== undefined) console.log(outcome.log.join("\n"));
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const report = failed.slice(0, 5).map((f) => `seed ${f.seed} (replay: HISTORY_SEED=${f.seed} npx jest test/history):\n  ${f.divergences.join("\n  ")}`);
    if (failed.length) {
      console.log(`${failed.length}/${count} histories diverged in ${seconds}s; first seeds: ${failed.slice(0, 20).map((f) => f.seed).join(", ")}\n${report.join("\n")}`);
    } else {
      console.log(`${count} histories, 0 divergences, ${seconds}s`);
    }
    expect(report).toEqual([]);
  }, 30 * 60_000);
});
