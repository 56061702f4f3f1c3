// Runs the action the two ways it is tested: the shipped bundle under plain `node`, with the environment
// protocol the Actions runner uses (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY), and the TypeScript source
// under GitHub's local action runner (@github/local-action), which stubs @actions/core.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name: string) => join(actionDir, 'node_modules', '.bin', name);

export interface ActionRun {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  workspace: string;
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  return new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(file, args, { env, cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: unknown }).code ?? 1) : 0;
      resolve({ code: Number.isFinite(code) ? code : 1, stdout: `${stdout}${stderr}` });
    });
  });
}

/** Parses a GITHUB_OUTPUT file (`name<<delimiter` blocks, as @actions/core writes them). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1] as string] = m[3] as string;
  return outputs;
}

function inputEnv(inputs: Record<string, string>): Record<string, string> {
  // The runner upper-cases the name and keeps hyphens: `min-samples` → INPUT_MIN-SAMPLES.
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
}

/** `node <bundle>` with the runner's environment files, in a fresh workspace (or the one given). */
export async function runBundle(
  bundle: string,
  inputs: Record<string, string>,
  workspace?: string,
): Promise<ActionRun> {
  const ws = workspace ?? (await mkdtemp(join(tmpdir(), 'bgr-action-')));
  const outputFile = join(ws, `.output-${Math.random().toString(36).slice(2)}`);
  const summaryFile = join(ws, `.summary-${Math.random().toString(36).slice(2)}`);
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env = {
    PATH: process.env.PATH ?? '',
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...inputEnv(inputs),
  };
  const { code, stdout } = await exec(process.execPath, [bundle], env, ws);
  return {
    code,
    stdout,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    workspace: ws,
  };
}

/**
 * The source under @github/local-action: `tsx <local-action>/src/index.ts run <action> src/main.ts <env>`,
 * which is what its `local-action` wrapper runs; the wrapper is bypassed only to say the project uses pnpm
 * (the action's package.json has no packageManager field), so the @actions/core stub reaches pnpm's copy.
 */
export async function runLocalAction(inputs: Record<string, string>): Promise<ActionRun> {
  const ws = await mkdtemp(join(tmpdir(), 'bgr-local-action-'));
  const summaryFile = join(ws, 'summary.md');
  await writeFile(summaryFile, '');
  const envFile = join(ws, '.env');
  const lines = {
    ...inputEnv(inputs),
    GITHUB_WORKSPACE: ws,
    LOCAL_ACTION_WORKSPACE: ws,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  await writeFile(
    envFile,
    `${Object.entries(lines)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')}\n`,
  );
  const localAction = join(actionDir, 'node_modules', '@github', 'local-action', 'src', 'index.ts');
  const env = {
    PATH: `${join(actionDir, '..', '..', 'node_modules', '.bin')}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? ws,
    NODE_PACKAGE_MANAGER: 'pnpm',
    TARGET_ACTION_PATH: actionDir,
    NODE_NO_WARNINGS: '1',
    NO_COLOR: '1',
  };
  const { code, stdout } = await exec(
    bin('tsx'),
    [localAction, 'run', '.', 'src/main.ts', envFile],
    env,
    actionDir,
  );
  // local-action prints the outputs it recorded as a table: │ n │ 'name' │ 'value' │
  const outputs: Record<string, string> = {};
  const table = stdout.slice(stdout.indexOf('Action Outputs'));
  for (const m of table.matchAll(/│\s*\d+\s*│\s*'([^']+)'\s*│\s*'([^']*)'\s*│/g))
    outputs[m[1] as string] = m[2] as string;
  return { code, stdout, outputs, summary: await readFile(summaryFile, 'utf8'), workspace: ws };
}
