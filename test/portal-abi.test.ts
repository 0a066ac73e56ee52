/**
 * The portal's hand-written CaseRegistry ABI (web/src/case-registry-abi.ts) against the compiled
 * contract: every function it calls exists with the same inputs and outputs, and every error it
 * decodes exists with the same parameters — so a change to the contract cannot leave the portal
 * sending calldata the contract does not understand, or misnaming a refusal.
 */
import { expect } from "chai";
import type { AbiFunction, AbiParameter } from "viem";
import { formatAbiItem } from "viem/utils";

import { caseRegistryAbi as compiled } from "../server/chain/abi.js";
import { caseRegistryAbi as portal } from "../web/src/case-registry-abi.js";

const types = (parameters: readonly AbiParameter[]) => parameters.map((p) => p.type).join(",");

describe("portal: the CaseRegistry ABI it carries", () => {
  const compiledItems = compiled.filter((item) => item.type === "function" || item.type === "error");

  for (const item of portal) {
    const name = formatAbiItem(item as never);
    it(`${item.type} ${name} is the contract's`, () => {
      const match = compiledItems.find((c) => formatAbiItem(c as never) === name && c.type === item.type);
      expect(match, `${item.type} ${name} in the compiled CaseRegistry`).to.not.equal(undefined);
      if (item.type === "function") {
        expect(types((match as AbiFunction).outputs)).to.equal(types(item.outputs));
      }
    });
  }

  it("carries the parties' transactions the portal sends", () => {
    const functions = portal.filter((item) => item.type === "function").map((item) => item.name);
    expect(functions).to.include.members(["startMediation", "castVote", "resolveDispute", "appointPanel"]);
  });
});
