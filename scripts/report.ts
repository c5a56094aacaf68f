// `pnpm report [results files or folders]... [--out FILE]`: one self-contained HTML page from saved results files.
import { parseFlags } from '../harness/cli/flags.js';
import { runCli } from '../harness/cli/run-cli.js';
import { errors } from '../core/errors.js';
import { resultsDir } from '../core/paths.js';
import { defaultReportFile, writeReport } from '../harness/report/write.js';

const USAGE = `Usage: pnpm report [results file or folder]... [--out FILE]

  Renders results files into one HTML page that opens offline (plotly.js is inlined).
  inputs       results files, or folders searched for *.json (default: results/)
  --out, -o    the page to write (default: results/report.html)`;

function main(argv: string[]): void {
  const parsed = parseFlags(argv, { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, true);
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (parsed.values.out === '') throw errors.invalidFlag('out', '', 'a file path');
  const inputs = parsed.positionals.length ? parsed.positionals : [resultsDir];
  const report = writeReport(inputs, parsed.values.out ?? defaultReportFile);
  const mb = (report.bytes / 1024 / 1024).toFixed(1);
  process.stderr.write(`report written to ${report.file} (${report.files} results files, ${report.charts} charts, ${mb} MB)\n`);
}

await runCli(() => main(process.argv.slice(2)));
