import type { CliCommand } from '../command.js';

/**
 * Every sub-command, in the order `--help` lists them. Modules load lazily: only the command being run is
 * imported, so `bg-replay --help` does not pay for the AWS SDK or the replay engine.
 */
export interface CommandEntry {
  name: string;
  describe: string;
  // biome-ignore lint/suspicious/noExplicitAny: each command has its own argument type
  load: () => Promise<CliCommand<any>>;
}

export const commandEntries: CommandEntry[] = [
  {
    name: 'replay',
    describe: 'Replay logged requests against live and candidate, diff the answers and decide',
    load: async () => (await import('./replay.js')).replayCommand,
  },
  {
    name: 'sample',
    describe:
      'Write the sample a replay would use as JSONL, with a summary of what was read, skipped and chosen',
    load: async () => (await import('./sample.js')).sampleCommand,
  },
  {
    name: 'demo',
    describe:
      'Run the embedded demo: a blue and a green service on loopback, replayed from a real-format log',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    name: 'report',
    describe: 'Re-render a saved run (JSON report) as JUnit, Markdown, HTML or JSON',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    name: 'merge',
    describe: 'Merge the JSON reports of shards (--shard i/N) into one run and decide it',
    load: async () => (await import('./merge.js')).mergeCommand,
  },
  {
    name: 'tune',
    describe: 'Show what thresholds and min-samples would have decided on saved runs, and recommend settings',
    load: async () => (await import('./tune.js')).tuneCommand,
  },
  {
    name: 'learn-noise',
    describe:
      'Replay with the noise probe and write the noisy pointers it learned as a rules file, for review',
    load: async () => (await import('./learnNoise.js')).learnNoiseCommand,
  },
  {
    name: 'simulate',
    describe:
      "Run a blue/green deployment's lifecycle hooks locally against a CodeDeploy stand-in and print the timeline",
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  {
    name: 'state-machine',
    describe: 'Print the Step Functions state machine (ASL) for long validations, or its IAM policies',
    load: async () => (await import('./stateMachine.js')).stateMachineCommand,
  },
  {
    name: 'deploy',
    describe: 'Start a CodeDeploy blue/green deployment with an AppSpec built from flags (ECS or Lambda)',
    load: async () => (await import('./deploy.js')).deployCommand,
  },
  {
    name: 'wait',
    describe: 'Wait for a CodeDeploy deployment to finish; on failure wait for its rollback (CI gate)',
    load: async () => (await import('./wait.js')).waitCommand,
  },
  {
    name: 'teardown',
    describe: 'Tear down the idle stack (purge its queues, delete its database) once no rollback can need it',
    load: async () => (await import('./teardown.js')).teardownCommand,
  },
  {
    name: 'plan',
    describe: 'Print the steps a lifecycle hook would take for the current active stack, changing nothing',
    load: async () => (await import('./plan.js')).planCommand,
  },
];
