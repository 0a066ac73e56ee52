/**
 * `node server/main.ts` (through `npm run gateway`): reads the configuration from the environment,
 * starts the gateway, and stops it cleanly on Ctrl-C or SIGTERM.
 */
import { ConfigError, loadConfig } from "./config.js";
import { startGateway } from "./app.js";

try {
  const config = loadConfig();
  const running = await startGateway(config);
  running.gateway.context.logger.info({ url: running.url }, `Hejie gateway listening on ${running.url}`);
  const stop = async (signal: string) => {
    running.gateway.context.logger.info({ signal }, "stopping");
    await running.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
