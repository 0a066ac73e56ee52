#!/usr/bin/env node
// Makes sure Hardhat's runtime (EDR) has its native binding installed.
//
// Why: npm runs on the system Node during `npm install`. Where that Node is
// older than 22, npm silently skips optional dependencies whose `engines` ask
// for Node >= 22 — and EDR keeps its native binding in exactly such a package
// (e.g. @nomicfoundation/edr-linux-x64-gnu). Hardhat then fails with HHE27.
// This step runs as `postinstall` and before every script that needs Hardhat.
// Where the binding is already present (any machine whose Node is >= 22) it is
// a no-op.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const edrDir = join(root, "node_modules", "@nomicfoundation", "edr");

function platformSuffix() {
  const { platform, arch } = process;
  if (platform === "linux") {
    const glibc = process.report?.getReport()?.header?.glibcVersionRuntime;
    return `linux-${arch === "x64" ? "x64" : arch}-${glibc ? "gnu" : "musl"}`;
  }
  if (platform === "win32") return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function main() {
  if (!existsSync(join(edrDir, "package.json"))) return; // Hardhat not installed (yet)
  // Read from disk: the package's `exports` hide package.json from require().
  const edr = JSON.parse(readFileSync(join(edrDir, "package.json"), "utf8"));
  const name = `@nomicfoundation/edr-${platformSuffix()}`;
  const version = edr.optionalDependencies?.[name];
  if (!version) {
    console.warn(`[ensure-edr-binding] no EDR binding published for ${name}; leaving it to Hardhat`);
    return;
  }
  const installed = join(root, "node_modules", name, "package.json");
  if (existsSync(installed) && JSON.parse(readFileSync(installed, "utf8")).version === version) return;

  console.log(`[ensure-edr-binding] installing ${name}@${version} (npm skipped it: engines node >= 22)`);
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", `${name}@${version}`], {
    cwd: root,
    stdio: "inherit",
  });
}

main();
