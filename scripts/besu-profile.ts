/** Writes the Besu consortium profile (genesis, node configurations) from deploy/besu/network.json. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { type Network, profileFiles } from "../deploy/besu/profile.js";
import { EVM_VERSION } from "../hardhat.config.js";

const network = JSON.parse(readFileSync("deploy/besu/network.json", "utf8")) as Network;
for (const [path, content] of Object.entries(profileFiles(network, EVM_VERSION))) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${path}`);
}
