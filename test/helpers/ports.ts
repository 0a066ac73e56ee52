/** Ports for processes under test: one nothing listens on, or one held by a server. */
import { type Server, createServer } from "node:net";

/** A port nothing listens on (bound, then released) or, with `keep`, a port held by a server. */
export async function freePort(keep = false): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  if (!keep) await new Promise<void>((resolve) => server.close(() => resolve()));
  return { port, server };
}
