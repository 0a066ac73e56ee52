import { network } from "hardhat";
import {
  deployHejie,
  registerSettlement,
  settlementTerms,
  paymentReport,
  signReport,
  setTime,
  FIRST_DUE,
  DAY,
} from "./helpers/hejie.js";
import { endOfDayCst, monthlySchedule } from "../protocol/schedule.js";

const connection = await network.create();

describe("smoke", () => {
  it("gas", async () => {
    const h = await deployHejie(connection);
    for (const [name, inst] of [
      ["12 monthly", monthlySchedule(FIRST_DUE, 12, 1_200_000n)],
      [
        "12 irregular",
        Array.from({ length: 12 }, (_, k) => ({
          dueAt: endOfDayCst(2027, 1 + k, 3 + k),
          amount: 100_000n + BigInt(k) * 7n,
        })),
      ],
      ["36 monthly", monthlySchedule(FIRST_DUE, 36, 3_600_000n)],
    ] as const) {
      const terms = settlementTerms(h, { instalments: [...inst] });
      const id = await h.settlements.settlementId(terms);
      const sigs = [
        await (await import("./helpers/hejie.js")).signSettlement(h, h.borrower, terms),
        await (await import("./helpers/hejie.js")).signSettlement(h, h.platform, terms),
        await (await import("./helpers/hejie.js")).signSettlement(h, h.lawyer, terms),
      ] as const;
      const rc = await (await h.settlements.register(terms, ...sigs)).wait();
      console.log(name, rc!.gasUsed);
      void id;
    }
    const id = await registerSettlement(h);
    await setTime(h, FIRST_DUE - DAY);
    const r0 = paymentReport(id, 100_000n, FIRST_DUE - 2n * DAY, 1000n);
    let rc = await (await h.settlements.recordPayment(r0, await signReport(h, r0))).wait();
    console.log("payment first-in-word", rc!.gasUsed);
    const r1 = paymentReport(id, 100_000n, FIRST_DUE - 2n * DAY, 1001n);
    rc = await (await h.settlements.recordPayment(r1, await signReport(h, r1))).wait();
    console.log("payment", rc!.gasUsed);
    console.log(await h.settlements.compliance(id));
  });
});
