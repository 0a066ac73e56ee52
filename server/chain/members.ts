/** Reads of the member registry (part of the HejieRegistry contract). */
import { getAddress } from "viem";

import { Roles } from "../../protocol/roles.js";
import { AccountKind, KeyStatus, Licence } from "../../protocol/enums.js";
import { registryAbi } from "./abi.js";
import type { ChainClients } from "./client.js";

export type RoleName = keyof typeof Roles;

export interface KeyRecord {
  accountId: number;
  role: RoleName | undefined;
  status: keyof typeof KeyStatus;
  nonce: number;
}

export interface AccountRecord {
  kind: keyof typeof AccountKind;
  licence: keyof typeof Licence;
  status: "None" | "Active" | "Suspended";
  identityCommitment: `0x${string}`;
}

const nameOf = <T extends Record<string, number | bigint>>(table: T, value: number | bigint) =>
  (Object.entries(table).find(([, v]) => BigInt(v) === BigInt(value))?.[0] ?? "None") as keyof T;

export async function readKey(chain: ChainClients, address: `0x${string}`): Promise<KeyRecord> {
  const key = (await chain.public.readContract({
    address: chain.contracts.registry,
    abi: registryAbi,
    functionName: "getKey",
    args: [getAddress(address)],
  })) as { accountId: number; role: bigint; status: number; nonce: number };
  return {
    accountId: Number(key.accountId),
    role: key.status === KeyStatus.None ? undefined : (nameOf(Roles, key.role) as RoleName),
    status: nameOf(KeyStatus, key.status),
    nonce: Number(key.nonce),
  };
}

export async function readAccount(chain: ChainClients, accountId: number): Promise<AccountRecord> {
  const account = (await chain.public.readContract({
    address: chain.contracts.registry,
    abi: registryAbi,
    functionName: "getAccount",
    args: [accountId],
  })) as { kind: number; licence: number; status: number; identityCommitment: `0x${string}` };
  return {
    kind: nameOf(AccountKind, account.kind),
    licence: nameOf(Licence, account.licence),
    status: (["None", "Active", "Suspended"] as const)[account.status] ?? "None",
    identityCommitment: account.identityCommitment,
  };
}
