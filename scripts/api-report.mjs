// API reports: the public surface of each public package, recorded in <package>/api/<name>.api.md by API
// Extractor from the built declarations, one report per entry point of its "exports" ("." → core.api.md,
// "./cloudwatch" → core-cloudwatch.api.md). An export is a promise: a change to a report is reviewed in the
// pull request that makes it, never accidental.
//
//   node scripts/api-report.mjs           # check: fails when the built surface differs from the report (pnpm api:check)
//   node scripts/api-report.mjs --update  # rewrite the reports from the build (pnpm api:update)
//   … --no-build                          # skip the turbo build of the public packages (CI has just built them)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
const build = !process.argv.includes('--no-build');

/** Public workspace packages (no `"private": true`) and their folders. */
export function findPublicPackages(repoRoot = root) {
  const found = [];
  for (const group of ['packages', 'apps']) {
    for (const dir of readdirSync(join(repoRoot, group))) {
      const file = join(repoRoot, group, dir, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      if (manifest.private !== true) found.push({ dir: join(repoRoot, group, dir), manifest });
    }
  }
  return found;
}

/**
 * The entry points with declarations in a package's "exports": `{ subpath, types, reportName }`. `./internal`
 * is left out: it serves the sibling packages, released together at one version, and semver does not cover it.
 */
export function listEntryPoints(manifest) {
  const unscoped = manifest.name.replace(/^@[^/]+\//, '');
  const entries = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './internal') continue;
    const types = typeof target === 'object' && target !== null ? target.types : undefined;
    if (!types) continue;
    const suffix = subpath === '.' ? '' : `-${subpath.replace(/^\.\//, '').replaceAll('/', '-')}`;
    entries.push({ subpath, types, reportName: `${unscoped}${suffix}` });
  }
  return entries;
}

const packages = findPublicPackages();
if (build) {
  const filters = packages.map(({ manifest }) => `--filter=${manifest.name}`);
  execFileSync(
    join(root, 'node_modules/.bin/turbo'),
    ['run', 'build', ...filters, '--output-logs=errors-only'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}` },
    },
  );
}

const QUIET = new Set([
  'console-preamble',
  'console-api-report-not-copied',
  'console-api-report-copied',
  'console-api-report-created',
]);

const tempFolder = join(tmpdir(), `bg-replay-api-${process.pid}`);
const changed = [];
for (const { dir, manifest } of packages) {
  const reportFolder = join(dir, 'api');
  mkdirSync(reportFolder, { recursive: true });
  for (const entry of listEntryPoints(manifest)) {
    const entryFile = join(dir, entry.types);
    if (!existsSync(entryFile))
      throw new Error(`${manifest.name}: ${entry.types} is missing; build the package first`);
    const config = ExtractorConfig.prepare({
      configObjectFullPath: join(dir, 'api-extractor.json'), // not read: names the project folder
      packageJsonFullPath: join(dir, 'package.json'),
      configObject: {
        projectFolder: dir,
        newlineKind: 'lf',
        mainEntryPointFilePath: entryFile,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: 'ES2023',
              lib: ['ES2023'],
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              strict: true,
              skipLibCheck: true,
              types: ['node'],
            },
            files: [entryFile],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: entry.reportName,
          reportFolder,
          reportTempFolder: tempFolder,
          includeForgottenExports: false,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          // Recorded in the report (a type used by an export but not exported itself shows up there) rather than failing.
          extractorMessageReporting: {
            default: { logLevel: 'none', addToApiReportFile: true },
            'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
            // Already marked "(undocumented)" beside the member.
            'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
        },
      },
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      showVerboseMessages: false,
      printApiReportDiff: !update,
      messageCallback: (message) => {
        // API Extractor's own notices about copying the report: this script says once what to do.
        if (QUIET.has(message.messageId)) message.handled = true;
      },
    });
    const report = relative(root, join(reportFolder, `${entry.reportName}.api.md`));
    if (result.errorCount > 0) {
      throw new Error(
        `${manifest.name} (${entry.subpath}): API Extractor failed (${result.errorCount} errors)`,
      );
    }
    if (result.apiReportChanged) changed.push(report);
    console.log(`${result.apiReportChanged ? (update ? 'updated  ' : 'CHANGED  ') : 'unchanged'} ${report}`);
  }
}
rmSync(tempFolder, { recursive: true, force: true });

if (changed.length > 0 && !update) {
  console.error(
    `\napi:check: the public API differs from ${changed.join(', ')}.\n` +
      'If the change is intended, run `pnpm api:update`, review the diff of the report and commit it with a changeset.',
  );
  process.exit(1);
}
