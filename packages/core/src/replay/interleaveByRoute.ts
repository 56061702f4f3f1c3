/**
 * Orders records round-robin across their routes (first-seen route order, each route's own order kept):
 * a replay that stops early (Ctrl-C, the live breaker, a deadline) has still touched every route, and live
 * sees a mix of requests rather than one route at a time.
 *
 * @example
 * interleaveByRoute([{ route: 'a' }, { route: 'a' }, { route: 'b' }]) // a, b, a
 */
export function interleaveByRoute<T extends { route: string }>(records: readonly T[]): T[] {
  const queues = new Map<string, T[]>();
  for (const record of records) {
    const queue = queues.get(record.route);
    if (queue) queue.push(record);
    else queues.set(record.route, [record]);
  }
  const lists = [...queues.values()];
  const out: T[] = [];
  for (let i = 0; out.length < records.length; i += 1) {
    for (const list of lists) {
      const record = list[i];
      if (record !== undefined) out.push(record);
    }
  }
  return out;
}
