/** SHA-256 of a file in the browser (Web Crypto): the file itself never leaves the device. */
export async function sha256Of(file: Blob): Promise<`0x${string}`> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
  return `0x${Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}
