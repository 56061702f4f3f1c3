// Two node:http servers (live and candidate) serving ~2 KB JSON, in their own process so the client's CPU
// is measured alone. Prints {"live": url, "candidate": url, "pid": n} on stdout, then counts requests.
import { createServer } from 'node:http';

const body = JSON.stringify({
  id: 1,
  items: Array.from({ length: 16 }, (_, i) => ({
    id: i,
    name: `item ${i}`,
    price: i * 1.25,
    tags: ['a', 'b'],
    stock: i % 7,
  })),
  meta: { page: 1, total: 16, currency: 'EUR' },
});
const counts = { live: [], candidate: [] };
function serve(side) {
  const server = createServer((req, res) => {
    counts[side].push(performance.now());
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 10_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)),
  );
}
const [live, candidate] = await Promise.all([serve('live'), serve('candidate')]);
process.stdout.write(`${JSON.stringify({ live, candidate, bytes: Buffer.byteLength(body) })}\n`);
process.stdin.setEncoding('utf8');
// "reset" clears the counters; "stats" prints live's request times.
process.stdin.on('data', (text) => {
  for (const command of text.split('\n').filter(Boolean)) {
    if (command === 'reset') counts.live = [];
    if (command === 'stats') process.stdout.write(`${JSON.stringify({ live: counts.live })}\n`);
  }
});
process.stdin.on('end', () => process.exit(0));
