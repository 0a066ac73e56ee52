import type { Component, Context } from "../../context.js";
import { perMinute } from "../../http/rate-limit.js";
import type { MemberDirectory } from "../identity/roles.js";
import { paymentsEndpoints } from "./api.js";
import { PaymentIntake } from "./intake.js";
import { paymentsMigrations } from "./migrations.js";
import { PaymentSubmitter } from "./submitter.js";

/**
 * Payment reports from the platforms' payment systems: intake (validated, stored before the 202) and
 * the submitter that records them on chain in batches. `start()` runs the submitter (unless
 * HEJIE_PAYMENTS_SUBMITTER=off); `stop()` lets its round in progress finish.
 */
export function paymentsComponent(
  context: Context,
  deps: { members: MemberDirectory },
): { component: Component; intake: PaymentIntake; submitter: PaymentSubmitter } {
  const settings = context.config.payments;
  const submitter = new PaymentSubmitter(
    context.db,
    context.chain,
    context.clock,
    context.logger.child({ component: "payments-submitter" }),
    { ...settings, confirmations: context.chain.confirmations },
  );
  const intake = new PaymentIntake({
    db: context.db,
    chain: context.chain,
    clock: context.clock,
    members: deps.members,
    logger: context.logger.child({ component: "payments-intake" }),
    wake: () => submitter.wake(),
  });
  const limiter = perMinute(settings.reportsPerMinute, "payment reports");
  return {
    intake,
    submitter,
    component: {
      name: "payments",
      migrations: paymentsMigrations,
      endpoints: paymentsEndpoints(intake, context.db, deps.members, limiter),
      start: () => {
        if (settings.submitter) submitter.start();
      },
      stop: () => submitter.stop(),
    },
  };
}
