/** One row of a side-by-side view: a line of live's value, candidate's, or both when they are equal. */
export interface SideBySideRow {
  live: string | null;
  candidate: string | null;
  same: boolean;
}

const MAX_LINES = 200;

/** A value as lines of text: multi-line strings as they are, anything else as indented JSON; absent values say so. */
export function valueLines(value: unknown): string[] {
  if (value === undefined) return ['(absent)'];
  const text =
    typeof value === 'string' && value.includes('\n')
      ? value
      : (JSON.stringify(value, null, 2) ?? String(value));
  const lines = text.split('\n');
  return lines.length > MAX_LINES
    ? [...lines.slice(0, MAX_LINES), `… ${lines.length - MAX_LINES} more line(s)`]
    : lines;
}

/**
 * Lines of live's and candidate's value aligned for a side-by-side view (a longest-common-subsequence line
 * diff): equal lines share a row, differing ones sit opposite each other.
 *
 * @example
 * sideBySide({ total: 12.5 }, { total: '12.5' }).filter((r) => !r.same) // [{ live: '  "total": 12.5', candidate: '  "total": "12.5"', same: false }]
 */
export function sideBySide(live: unknown, candidate: unknown): SideBySideRow[] {
  const a = valueLines(live);
  const b = valueLines(candidate);
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    const row = lcs[i] as number[];
    const next = lcs[i + 1] as number[];
    for (let j = m - 1; j >= 0; j -= 1)
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
  }
  const rows: SideBySideRow[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    for (let k = 0; k < Math.max(removed.length, added.length); k += 1) {
      rows.push({ live: removed[k] ?? null, candidate: added[k] ?? null, same: false });
    }
    removed = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      flush();
      rows.push({ live: a[i] as string, candidate: b[j] as string, same: true });
      i += 1;
      j += 1;
    } else if (j >= m || (i < n && (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      removed.push(a[i] as string);
      i += 1;
    } else {
      added.push(b[j] as string);
      j += 1;
    }
  }
  flush();
  return rows;
}
