/**
 * Run by test/engine/store/clock-step.test.ts in a process whose clock it steps (clock-step.cjs):
 * a trace is stored, the clock goes back an hour, then more data than the storage limit allows
 * arrives. Prints what retention kept, as JSON.
 */
import { writeFileSync } from 'node:fs';
import { post, startTestEngine } from './engine';
import { otlpJson, sid, tid } from './spans';

const JSON_CT = { 'content-type': 'application/json' };
const offsetFile = process.env.FLOWTRACE_TEST_CLOCK_OFFSET_FILE!;
writeFileSync(offsetFile, '0');
const engine = await startTestEngine(undefined, { retention: { maxBytes: 600 * 1024 }, retentionIntervalMs: 200 });
const send = async (n: number) => {
  const body = otlpJson([{ traceId: tid(0x9000 + n), spanId: sid(n + 1), name: `run ${n}`, startMs: 1_760_000_000_000 + n * 1000, attributes: { pad: 'lorem ipsum '.repeat(150) } }]);
  const status = (await post(`${engine.info.otlpHttpEndpoint}/v1/traces`, body, JSON_CT)).status;
  if (status !== 200) throw new Error(`send ${n}: ${status}`);
};
try {
  await send(0);
  while ((await engine.getTrace(tid(0x9000))) === null) await new Promise((r) => setTimeout(r, 20));
  writeFileSync(offsetFile, String(-3_600_000));
  await new Promise((r) => setTimeout(r, 100));
  const last = 400;
  for (let n = 1; n <= last; n++) await send(n);
  const deadline = Date.now() + 15_000;
  while ((await engine.getTrace(tid(0x9000))) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const stats = await engine.getStats();
  process.stdout.write(
    JSON.stringify({
      firstKept: (await engine.getTrace(tid(0x9000))) !== null,
      newestKept: (await engine.getTrace(tid(0x9000 + last))) !== null,
      traces: stats.traces,
      sent: last + 1,
    }),
  );
} finally {
  await engine.close();
}
