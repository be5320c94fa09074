// Loaded with --require into a process whose clock a test steps: Date.now, in every thread of it
// (worker threads inherit --require, not --import), reads its offset from $FLOWTRACE_TEST_CLOCK_OFFSET_FILE (ms,
// may be negative), re-read at most every 20 ms, as a VM whose clock an NTP step moved.
const { readFileSync } = require('node:fs');

const file = process.env.FLOWTRACE_TEST_CLOCK_OFFSET_FILE;
if (file) {
  const realNow = Date.now;
  let offset = 0;
  let readAt = -Infinity;
  Date.now = () => {
    const t = realNow();
    if (t - readAt > 20) {
      readAt = t;
      try {
        offset = Number(readFileSync(file, 'utf8')) || 0;
      } catch {
        offset = 0;
      }
    }
    return t + offset;
  };
}
