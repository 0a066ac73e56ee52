/**
 * `npm run gateway` (`node --import tsx server/main.ts`): reads the configuration from the
 * environment, starts the gateway, and stops it cleanly on Ctrl-C or SIGTERM.
 *
 * Exit codes: 0 after a clean stop; 2 for an invalid configuration (a message naming each bad
 * variable, nothing started); 1 when the gateway cannot start (e.g. the port is taken, the contracts
 * are not compiled) — a one-line reason, the details in the log.
 */
import { type Config, ConfigError, loadConfig } from "./config.js";

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}

try {
  // Imported only now: the configuration is checked first, even where the contracts are not compiled.
  const { startGateway } = await import("./app.js");
  const running = await startGateway(config);
  const { logger } = running.gateway.context;
  logger.info({ url: running.url }, `Hejie gateway listening on ${running.url}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await running.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`The Hejie gateway could not start: ${reason}`);
  if (process.env.HEJIE_LOG_LEVEL === "debug" || process.env.HEJIE_LOG_LEVEL === "trace") console.error(error);
  process.exit(1);
}
