import { WorkerLoop } from "../../workers/loop.js";
import type { Component, Context } from "../../context.js";
import type { CaseMembership } from "../cases/membership.js";
import type { MemberDirectory } from "../identity/roles.js";
import { indexerEndpoints } from "./api.js";
import { ChainFollower } from "./follower.js";
import { indexerMigrations } from "./migrations.js";
import { IndexerService } from "./service.js";

/**
 * The chain indexer: follows the registries' events into SQL read models and answers compliance,
 * portfolio and timeline queries from them. `start()` follows the chain (unless HEJIE_INDEXER=off);
 * `stop()` lets the round in progress finish.
 */
export function indexerComponent(
  context: Context,
  deps: { membership: CaseMembership; members: MemberDirectory },
): { component: Component; indexer: IndexerService; follower: ChainFollower } {
  const settings = context.config.indexer;
  const logger = context.logger.child({ component: "indexer" });
  const follower = new ChainFollower(context.db, context.chain, logger, {
    startBlock: settings.startBlock,
    blockRange: settings.blockRange,
    confirmations: context.chain.confirmations,
  });
  const indexer = new IndexerService({ db: context.db, chain: context.chain, clock: context.clock, follower, ...deps });
  // A round that read a range goes on at once: the indexer is behind.
  const round = async () => (await follower.round()).kind !== "caught-up";
  const loop = new WorkerLoop(
    round,
    { pollMs: settings.pollMs, maxBackoffMs: 30_000 },
    logger,
    "indexing round failed",
  );
  return {
    indexer,
    follower,
    component: {
      name: "indexer",
      migrations: indexerMigrations,
      endpoints: indexerEndpoints(indexer),
      start: () => {
        if (settings.follow) loop.start();
      },
      stop: () => loop.stop(),
    },
  };
}
