/** The court report as a printable HTML page: every field of the JSON report, escaped, on one sheet. */
import type { CourtReport } from "./service.js";

const escape = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

const row = (label: string, value: unknown) =>
  `<tr><th>${escape(label)}</th><td><code>${escape(value)}</code></td></tr>`;

export function courtReportHtml(report: CourtReport): string {
  const { document, leaf, anchor, submittedBy, verification } = report;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence verification report ${escape(report.evidenceId)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#111}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%}th{text-align:left;width:14rem;vertical-align:top;padding:.2rem .5rem .2rem 0}
td{padding:.2rem 0;word-break:break-all}.result{font-size:1.1rem;font-weight:bold}
@media print{body{margin:0}}
</style></head><body>
<h1>Evidence verification report</h1>
<p class="result">Result: ${verification.verified ? "VERIFIED — the file is anchored on chain" : "NOT VERIFIED"} (checked ${escape(verification.checkedAt)})</p>
<h2>Evidence</h2><table>
${row("Evidence id", report.evidenceId)}${row("Case", report.caseId)}
${row("File name", document.name)}${row("File size (bytes)", document.size)}${row("Media type", document.mediaType)}
${row(`File hash (${document.algorithm})`, document.sha256)}</table>
<h2>Merkle proof</h2><table>
${row("Salt", leaf.salt)}${row("Leaf", leaf.hash)}${row("Leaf construction", leaf.construction)}
${row("Proof", report.proof.length === 0 ? "(empty: the leaf is the root)" : report.proof.join(" "))}${row("Root", report.root)}</table>
<h2>Anchor on chain</h2><table>
${row("Chain id", anchor.chainId)}${row("Contract (EvidenceRegistry)", anchor.contract)}
${row("Transaction", anchor.txHash)}${row("Block number", anchor.blockNumber)}${row("Block hash", anchor.blockHash)}
${row("Block time (UTC)", anchor.blockTimeUtc)}${row("Sent by", anchor.sentBy)}</table>
<h2>Submitted by</h2><table>
${row("Address", submittedBy.address)}${row("Role", submittedBy.role ?? "—")}
${row("Registered identity commitment", submittedBy.identityCommitment ?? "—")}</table>
<h2>How to verify it independently</h2><ol>
${report.howToVerify.map((step) => `<li>${escape(step)}</li>`).join("\n")}
</ol></body></html>
`;
}
