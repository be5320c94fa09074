// The trace outline's decode worker: takes the binary form (transferred, not copied), decodes it
// here rather than on the page's thread, and hands back its parts: number columns as typed arrays
// whose buffers transfer, the span ids as one string. The page spreads ids and messages out.
import { decodeTraceOutlineParts } from '../../../src-shared/trace-outline-binary';
import type { DecodeReply, DecodeRequest } from './outline-decoder';

self.onmessage = (event: MessageEvent<DecodeRequest>) => {
  const { id, bytes } = event.data;
  let reply: DecodeReply;
  const transfer = new Set<ArrayBuffer>();
  try {
    const parts = decodeTraceOutlineParts(bytes);
    for (const value of [...Object.values(parts.outline), parts.messageIndex]) if (ArrayBuffer.isView(value)) transfer.add(value.buffer as ArrayBuffer);
    reply = { id, parts };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply, { transfer: [...transfer] });
};
