import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { BgReplayError, formatRulesFile, learnNoiseRules, type ValidateOptions } from '@bg-replay/core';
import { defineCommand } from '../command.js';
import { lambdaArgsOf, withLambdaFlags } from '../createCliLambdaInvoker.js';
import { keysOf, REPLAY_KEYS, resolveCommandOptions, withOptionFlags } from '../flags/optionFlags.js';
import { EXIT, writeLine } from '../io.js';
import { checkWritableFile } from '../writeReportFile.js';
import { runValidation } from './replay.js';

/**
 * `bg-replay learn-noise`: replays a sample with the noise probe on (every record by default), and writes
 * what Diffy's rule judged noise as a rules file for review: `arrayKey` rules for arrays of objects and
 * `unordered` rules for arrays of scalars live returns in varying order, `ignore` rules for pointers whose
 * values differ between two calls to live (keys named `*` or `**` escaped, so a rule matches only its key).
 */
/** What a noise-learning replay can be told: everything up to the verdict, which it does not reach. */
const NOT_REACHED = new Set(keysOf('Verdict', 'Reports'));
const LEARN_NOISE_KEYS = REPLAY_KEYS.filter((key) => !NOT_REACHED.has(key));

export const learnNoiseCommand = defineCommand({
  command: 'learn-noise',
  describe: 'Replay with the noise probe and write the noisy pointers it learned as a rules file, for review',
  builder: (yargs) =>
    withLambdaFlags(
      withOptionFlags(yargs, LEARN_NOISE_KEYS, {
        noiseProbe: {
          describe:
            'Share of records also replayed against live a second time, 0..1 (default here: 1, every record)',
        },
      }),
    )
      .option('out', {
        type: 'string',
        default: 'bg-replay.noise.yaml',
        describe: 'Where to write the learned rules (YAML)',
        group: 'Output:',
      })
      .usage(
        '$0 learn-noise --logs <file|-> --live <url> --candidate <url> [--out noise.yaml]\n\nSends each sampled record to live twice and to candidate once; per route and pointer, differences that\nappear between two calls to live as often as between live and candidate are noise. Writes them as rules:\nreview them, then pass the file with --rules.',
      )
      .example(
        '$0 learn-noise --logs access.log --live $LIVE --candidate $LIVE --out noise.yaml',
        'learn from live alone',
      )
      .example(
        '$0 learn-noise --logs access.log --live $LIVE --candidate $NEXT --rules rules.yaml --noise-probe 0.3',
        'learn what the current rules miss',
      ),
  async run(args, io) {
    await checkWritableFile(io.cwd, args.out, '--out', args);
    const { validate } = await resolveCommandOptions(args, io, LEARN_NOISE_KEYS, [
      'logs',
      'live',
      'candidate',
    ]);
    const report = await runValidation(
      { ...(validate as ValidateOptions), noiseProbe: validate.noiseProbe ?? 1 },
      io,
      lambdaArgsOf(args),
    );
    const noise = report.noise;
    if (!noise)
      throw new BgReplayError(
        'E_USAGE',
        '--noise-probe 0 probes nothing: give a share above 0 to learn noise',
      );
    const rules = learnNoiseRules(noise);
    const out = resolve(io.cwd, args.out);
    const probed = noise.routes.reduce((sum, r) => sum + r.probed, 0);
    const comment = [
      `Learned by bg-replay learn-noise on ${report.startedAt} from ${probed} record(s) sent to live twice.`,
      'Review each rule before use: an ignore rule also hides real changes at its pointer.',
      `Use with: bg-replay replay --rules ${relative(io.cwd, out) || out} ...`,
    ].join('\n');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, formatRulesFile(rules, { comment }));
    for (const route of noise.routes) if (route.message) writeLine(io.stdout, route.message);
    const keyed = rules.filter((r) => r.arrayKey !== undefined).length;
    const unordered = rules.filter((r) => r.unordered === true).length;
    writeLine(
      io.stdout,
      rules.length === 0
        ? `no noise found in ${probed} probed record(s); wrote an empty rules file to ${out}`
        : `learned ${rules.length} rule(s) (${keyed} array key(s), ${unordered} unordered array(s), ${rules.length - keyed - unordered} ignore(s)) from ${probed} probed record(s); wrote ${out}`,
    );
    return EXIT.pass;
  },
});
