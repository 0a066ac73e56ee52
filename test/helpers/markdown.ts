/** Reads the tables of a Markdown document, by the `##` section they sit in. */
import { readFileSync } from "node:fs";

/** The body rows (header and separator dropped) of every table, keyed by its section heading. */
export function markdownTables(path: string | URL): Map<string, string[][]> {
  const tables = new Map<string, string[][]>();
  let heading = "";
  let headerSeen = false;
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("## ")) {
      heading = line.slice(3).trim();
      headerSeen = false;
      continue;
    }
    if (!line.startsWith("|")) {
      headerSeen = false;
      continue;
    }
    const cells = line
      .slice(1, line.endsWith("|") ? -1 : undefined)
      .split("|")
      .map((cell) => cell.trim().replace(/^`(.*)`$/, "$1"));
    if (!headerSeen) {
      headerSeen = true; // the header row
      continue;
    }
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) continue; // the separator row
    const rows = tables.get(heading) ?? [];
    rows.push(cells);
    tables.set(heading, rows);
  }
  return tables;
}

/** The rows of the table in the section whose heading starts with `prefix`; throws when absent. */
export function tableIn(tables: Map<string, string[][]>, prefix: string): string[][] {
  for (const [heading, rows] of tables) if (heading.startsWith(prefix)) return rows;
  throw new Error(`no table under a heading starting with "${prefix}"`);
}
