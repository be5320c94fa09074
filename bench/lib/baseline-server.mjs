#!/usr/bin/env node
// The load generator's baseline: an OTLP/HTTP "receiver" that does nothing. It reads each request
// body in full and answers 200 with an empty ExportTraceServiceResponse (`{}` for JSON), so the
// load generator can show what the machine, Node's HTTP stack and the client itself allow.
// Prints `listening <port>` when ready. Usage: node bench/lib/baseline-server.mjs [port]
import { createServer } from 'node:http';

const server = createServer({ keepAlive: true }, (req, res) => {
  let bytes = 0;
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => {
    const json = (req.headers['content-type'] ?? '').startsWith('application/json');
    const body = json ? '{}' : '';
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf', 'content-length': Buffer.byteLength(body), 'x-bytes-read': String(bytes) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
// Keep-alive sockets would hold server.close() open; nothing here needs a graceful end.
process.on('SIGTERM', () => process.exit(0));
