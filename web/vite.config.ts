/**
 * The portal's build: `npm run build:web` writes web/dist, which the gateway serves under /portal/.
 * `npm run dev:web` serves it with hot reload and passes API calls to a gateway on 127.0.0.1:8080.
 */
import { defineConfig } from "vite";

const gateway = "http://127.0.0.1:8080";
const apiPaths = [
  "/auth",
  "/cases",
  "/verify",
  "/evidence",
  "/chain",
  "/payments",
  "/health",
  "/agreements",
  "/portfolio",
  "/mediation",
  "/deadlines",
  "/standstills",
  "/disputes",
];

export default defineConfig({
  base: "/portal/",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  server: { proxy: Object.fromEntries(apiPaths.map((path) => [path, gateway])) },
});
