// An OTLP/HTTP upstream that takes every request and keeps nothing: the far end of
// `bench/genai-cost.ts --feature forward`, so what is measured is Flowtrace's side of forwarding
// (reading the log, compressing, sending), not an upstream's work. Prints its port, then counts;
// GET /count answers how many requests it took, and when the first and the last came (unix ms). `node discard-upstream.mjs [PORT]` (default: any free port).
import { createServer } from 'node:http';

let requests = 0;
let firstAt = 0;
let lastAt = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, firstAt, lastAt }));
    return;
  }
  req.resume();
  req.on('end', () => {
    requests++;
    lastAt = Date.now();
    if (requests === 1) firstAt = lastAt;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
