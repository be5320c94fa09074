// The trace outline's decode worker: takes the binary form (transferred, not copied), decodes it
// here rather than on the page's thread, and hands the outline back with its number columns'
// buffers transferred too, so the page receives them without a copy.
import { decodeTraceOutline } from '../../../src-shared/trace-outline-binary';
import type { DecodeReply, DecodeRequest } from './outline-decoder';

self.onmessage = (event: MessageEvent<DecodeRequest>) => {
  const { id, bytes } = event.data;
  let reply: DecodeReply;
  const transfer = new Set<ArrayBuffer>();
  try {
    const outline = decodeTraceOutline(bytes);
    for (const value of Object.values(outline)) if (ArrayBuffer.isView(value)) transfer.add(value.buffer as ArrayBuffer);
    reply = { id, outline };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  self.postMessage(reply, { transfer: [...transfer] });
};
