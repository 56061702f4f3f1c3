// The bare loop P7 compares `bg-replay replay` with, as a process of its own: read the JSONL log, send each
// record to live and candidate with undici (32 in flight), parse both bodies and diff them. Nothing else.
// Usage: node bareLoop.mjs <records.jsonl> <live-url> <candidate-url> [concurrency]
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import jsonPatch from 'fast-json-patch';
import { Agent, request } from 'undici';

const [file, live, candidate, concurrency = '32'] = process.argv.slice(2);
const dispatcher = new Agent({ connections: 64 });
const paths = [];
for await (const line of createInterface({ input: createReadStream(file) }))
  if (line.trim() !== '') paths.push(JSON.parse(line).path);
let differed = 0;
let next = 0;
// `concurrency` workers pulling the next record: the leanest loop (no queued closure per record).
async function work() {
  while (next < paths.length) {
    const path = paths[next];
    next += 1;
    const [a, b] = await Promise.all([
      request(`${live}${path}`, { dispatcher }).then((r) => r.body.text()),
      request(`${candidate}${path}`, { dispatcher }).then((r) => r.body.text()),
    ]);
    if (jsonPatch.compare(JSON.parse(a), JSON.parse(b)).length > 0) differed += 1;
  }
}
await Promise.all(Array.from({ length: Number(concurrency) }, work));
await dispatcher.close();
process.stdout.write(`${JSON.stringify({ records: paths.length, differed })}\n`);
