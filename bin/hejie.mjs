#!/usr/bin/env node
// `npx hejie …`: runs cli/hejie.ts through tsx (TypeScript, with the project's import style).
import { register } from "tsx/esm/api";

register();
await import("../cli/hejie.ts");
