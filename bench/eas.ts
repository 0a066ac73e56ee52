/**
 * The Ethereum Attestation Service as a peer: deployed from the compiled artifacts that ship in the
 * npm package `@ethereum-attestation-service/eas-contracts` (solc 0.8.29, not recompiled here), with
 * a schema that carries a Hejie agreement and delegated (EIP-712) attestations relayed by a third
 * account.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AbiCoder,
  Contract,
  ContractFactory,
  type ContractRunner,
  type ContractTransactionResponse,
  type InterfaceAbi,
  Signature,
  type TypedDataDomain,
  TypedDataEncoder,
  ZeroAddress,
  ZeroHash,
  keccak256,
  solidityPackedKeccak256,
  toUtf8Bytes,
} from "ethers";

import type { Settlement } from "../protocol/typed-data.js";

const require = createRequire(import.meta.url);

export const EAS_PACKAGE = "@ethereum-attestation-service/eas-contracts";

interface Artifact {
  contractName: string;
  abi: InterfaceAbi;
  bytecode: string;
}

function artifact(path: string): Artifact {
  return JSON.parse(readFileSync(require.resolve(`${EAS_PACKAGE}/artifacts/contracts/${path}`), "utf8")) as Artifact;
}

export function easVersion(): string {
  return (JSON.parse(readFileSync(require.resolve(`${EAS_PACKAGE}/package.json`), "utf8")) as { version: string })
    .version;
}

async function deploy(path: string, deployer: HardhatEthersSigner, args: unknown[]): Promise<Contract> {
  const { abi, bytecode } = artifact(path);
  const deployed = await new ContractFactory(abi, bytecode, deployer).deploy(...args);
  await deployed.waitForDeployment();
  return new Contract(await deployed.getAddress(), abi, deployer);
}

/**
 * A Hejie agreement as an EAS schema: the signed terms and the schedule as two parallel arrays.
 * Hejie's nonces, deadline and `amends` have EAS counterparts (the EAS nonce, the request deadline,
 * `refUID`) and are not repeated in the data.
 */
export const AGREEMENT_SCHEMA =
  "bytes32 caseId,address borrower,address platform,address lawyer,bytes32 documentHash,string currency," +
  "uint64 originalPrincipal,uint40 loanFormedAt,uint64 settledAmount,uint40[] dueAt,uint64[] amounts," +
  "uint32 gracePeriod,uint32 curePeriod,uint32 contestWindow";

/**
 * The same agreement reduced to hashes: what an EAS user who keeps the terms off chain would
 * attest. Smaller, but nothing about the schedule can then be read or computed on chain.
 */
export const AGREEMENT_HASH_SCHEMA = "bytes32 caseId,bytes32 agreementHash";

export function encodeAgreementHash(s: Settlement): string {
  return AbiCoder.defaultAbiCoder().encode(["bytes32", "bytes32"], [s.caseId, keccak256(encodeAgreement(s))]);
}

export function encodeAgreement(s: Settlement): string {
  const types = AGREEMENT_SCHEMA.split(",").map((field) => field.split(" ")[0] as string);
  return AbiCoder.defaultAbiCoder().encode(types, [
    s.caseId,
    s.borrower,
    s.platform,
    s.lawyer,
    s.documentHash,
    s.currency,
    s.originalPrincipal,
    s.loanFormedAt,
    s.settledAmount,
    s.instalments.map((i) => i.dueAt),
    s.instalments.map((i) => i.amount),
    s.gracePeriod,
    s.curePeriod,
    s.contestWindow,
  ]);
}

/**
 * EAS's `Attest` type, as in `contracts/eip1271/EIP1271Verifier.sol` of the package:
 * `Attest(address attester,bytes32 schema,address recipient,uint64 expirationTime,bool revocable,
 * bytes32 refUID,bytes data,uint256 value,uint256 nonce,uint64 deadline)`. `connectEas` checks it
 * against the deployed contract's `getAttestTypeHash()`.
 */
export const attestTypes = {
  Attest: [
    { name: "attester", type: "address" },
    { name: "schema", type: "bytes32" },
    { name: "recipient", type: "address" },
    { name: "expirationTime", type: "uint64" },
    { name: "revocable", type: "bool" },
    { name: "refUID", type: "bytes32" },
    { name: "data", type: "bytes" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint64" },
  ],
};

/**
 * The deployed peer, seen through the few functions the benchmark calls. (The package's TypeChain
 * types are CommonJS and bind to ethers' CommonJS build, which the project's ESM types reject.)
 */
export class EasPeer {
  private constructor(
    readonly eas: Contract,
    readonly schemaRegistry: Contract,
    /** EAS's EIP-712 domain, read from the contract (ERC-5267). */
    readonly domain: TypedDataDomain,
  ) {}

  /** Deploys SchemaRegistry and EAS from the package's artifacts and checks EAS's EIP-712 type and domain. */
  static async deploy(deployer: HardhatEthersSigner): Promise<EasPeer> {
    const schemaRegistry = await deploy("SchemaRegistry.sol/SchemaRegistry.json", deployer, []);
    const eas = await deploy("EAS.sol/EAS.json", deployer, [await schemaRegistry.getAddress()]);

    const [, name, version, chainId, verifyingContract] = (await eas.getFunction("eip712Domain")()) as [
      string,
      string,
      string,
      bigint,
      string,
    ];
    const domain: TypedDataDomain = { name, version, chainId, verifyingContract };
    const encodedType = TypedDataEncoder.from(attestTypes).encodeType("Attest");
    if (keccak256(toUtf8Bytes(encodedType)) !== (await eas.getFunction("getAttestTypeHash")())) {
      throw new Error("EAS Attest type differs from the deployed contract's");
    }
    if (TypedDataEncoder.hashDomain(domain) !== (await eas.getFunction("getDomainSeparator")())) {
      throw new Error("EAS EIP-712 domain differs from the deployed contract's");
    }
    return new EasPeer(eas, schemaRegistry, domain);
  }

  private send(runner: ContractRunner, method: string, ...args: unknown[]): Promise<ContractTransactionResponse> {
    return (this.eas.connect(runner) as Contract).getFunction(method).send(...args);
  }

  attestByDelegation(relayer: ContractRunner, request: DelegatedAttestationRequest) {
    return this.send(relayer, "attestByDelegation", request);
  }

  timestamp(sender: ContractRunner, data: string) {
    return this.send(sender, "timestamp", data);
  }

  multiTimestamp(sender: ContractRunner, data: readonly string[]) {
    return this.send(sender, "multiTimestamp", data);
  }

  async nonceOf(account: string): Promise<bigint> {
    return (await this.eas.getFunction("getNonce")(account)) as bigint;
  }

  async timestampOf(data: string): Promise<bigint> {
    return (await this.eas.getFunction("getTimestamp")(data)) as bigint;
  }
}

/** Registers a revocable schema without resolver; returns its uid. */
export async function registerSchema(peer: EasPeer, schema: string): Promise<string> {
  await (await peer.schemaRegistry.getFunction("register").send(schema, ZeroAddress, true)).wait();
  // SchemaRegistry's uid: keccak256(abi.encodePacked(schema, resolver, revocable)).
  const uid = solidityPackedKeccak256(["string", "address", "bool"], [schema, ZeroAddress, true]);
  const record = (await peer.schemaRegistry.getFunction("getSchema")(uid)) as { uid: string };
  if (record.uid !== uid) throw new Error("EAS schema was not registered");
  return uid;
}

/** EAS's `DelegatedAttestationRequest` (contracts/IEAS.sol), with its `AttestationRequestData`. */
export interface DelegatedAttestationRequest {
  schema: string;
  data: {
    recipient: string;
    expirationTime: bigint;
    revocable: boolean;
    refUID: string;
    data: string;
    value: bigint;
  };
  signature: { v: number; r: string; s: string };
  attester: string;
  deadline: bigint;
}

/**
 * A delegated attestation request signed by `attester` (EIP-712, its current EAS nonce), ready for
 * any account to relay with `attestByDelegation`.
 */
export async function delegatedAttestation(
  peer: EasPeer,
  schema: string,
  attester: HardhatEthersSigner,
  request: { recipient: string; data: string; deadline: bigint },
): Promise<DelegatedAttestationRequest> {
  const data = {
    recipient: request.recipient,
    expirationTime: 0n,
    revocable: true,
    refUID: ZeroHash,
    data: request.data,
    value: 0n,
  };
  const nonce = await peer.nonceOf(attester.address);
  const signed = await attester.signTypedData(peer.domain, attestTypes, {
    attester: attester.address,
    schema,
    ...data,
    nonce,
    deadline: request.deadline,
  });
  const { v, r, s } = Signature.from(signed);
  return { schema, data, signature: { v, r, s }, attester: attester.address, deadline: request.deadline };
}
