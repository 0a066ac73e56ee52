/**
 * The local chain's process (deploy/local/anvil.ts): once `stop()` resolves the node is gone — no
 * request is answered any more — and its state file is complete, so a node started on it at once
 * holds the same chain. (Stopping the npm package's wrapper instead returned while anvil was still
 * up: a test saw its "chain node down" request answered.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { startAnvil } from "../deploy/local/anvil.js";

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

describe("local chain process (anvil)", function () {
  this.timeout(60_000);

  it("runs the platform's anvil binary itself, not the npm wrapper", async () => {
    const anvil = await startAnvil();
    try {
      expect(anvil.process.spawnfile).to.match(/@foundry-rs\/anvil-[a-z0-9]+-[a-z0-9]+\/bin\/anvil(\.exe)?$/);
    } finally {
      await anvil.stop();
    }
  });

  it("answers nothing once stop() resolves, and a node started at once on its state file has its chain", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hejie-anvil-"));
    try {
      const stateFile = join(dir, "state.json");
      const first = await startAnvil({ stateFile, stateInterval: 60 });
      await rpc(first.url, "evm_mine");
      await rpc(first.url, "evm_mine");
      await first.stop();
      let refused: unknown;
      await rpc(first.url, "eth_blockNumber").catch((error: unknown) => (refused = error));
      expect(refused, "a request after stop()").to.be.instanceOf(Error);
      const second = await startAnvil({ port: first.port, stateFile, stateInterval: 60 });
      try {
        expect(await rpc(second.url, "eth_blockNumber")).to.equal("0x2");
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
