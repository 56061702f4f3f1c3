/**
 * Report sections owned by the diff stage (versions seen, noise learned). All optional, so a run without
 * version discovery or noise probe reports neither.
 */
export interface DiffSummary {
  versions?: Record<string, unknown>;
  noise?: Record<string, unknown>;
}
