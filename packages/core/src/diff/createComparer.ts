import type { Difference, ExchangeResponse, JudgedDifference, RequestRecord } from '../model.js';
import { createJudge } from '../rules/createJudge.js';
import { loadRules } from '../rules/parseRules.js';
import type { Rule } from '../rules/ruleSchema.js';
import type { RecordOutcome } from '../verdict/aggregate.js';
import type { DiffSummary } from './diffSummary.js';
import { diffResponses } from './diffResponses.js';

/** Options of the diff and rules stages. */
export interface DiffStageOptions {
  /** A rules file path, or rules already parsed. */
  rules?: string | Rule[];
  /** Response headers compared (default content-type). */
  compareHeaders?: readonly string[];
}

/** The answers to one record that the comparer sees. `liveAgain` is present when the record was probed. */
export interface ComparisonInput {
  record: RequestRecord;
  route: string;
  live: ExchangeResponse;
  candidate: ExchangeResponse;
  liveAgain?: ExchangeResponse;
}

/** Compares the two answers to one record and judges each difference. */
export interface Comparer {
  /** True when this record should also be sent to live a second time (noise probe). */
  wantsProbe(record: RequestRecord, route: string): boolean;
  compare(input: ComparisonInput): { differences: JudgedDifference[]; noise?: Difference[] };
  /** Re-judges every outcome once the whole run is known (noise is decided on rates over the run). */
  finish(outcomes: RecordOutcome[]): void;
  /** How many differences each rule matched (every rule listed). */
  ruleHits(): Record<string, number>;
  /** Report sections of the diff stage. */
  summary(): DiffSummary;
}

/**
 * Builds the comparer of a run: loads the rules once, then diffs and judges each pair of answers.
 *
 * @example
 * const comparer = await createComparer({ rules: 'rules.yaml' });
 * const differences = comparer.compare({ record, route, live, candidate });
 */
export async function createComparer(options: DiffStageOptions): Promise<Comparer> {
  const rules = typeof options.rules === 'string' ? await loadRules(options.rules) : (options.rules ?? []);
  const judge = createJudge(rules);
  const headers = options.compareHeaders ?? ['content-type'];
  return {
    wantsProbe: () => false,
    compare({ route, live, candidate }) {
      return {
        differences: diffResponses(live, candidate, route, { headers }).map((d: Difference) => ({
          ...d,
          disposition: judge.judge(d),
        })),
      };
    },
    finish() {},
    ruleHits: () => judge.hits(),
    summary: () => ({}),
  };
}
