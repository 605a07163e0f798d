// The session zipper's worker: writes session files off the page's thread. An autosave every few
// seconds while training computed a CRC over megabytes of weights and Adam moments (and deflated a
// user's own images) on the main thread, a task long enough to stall a drag on a 2-core machine.
import { answerZipRequest, type ZipRequest } from './zipProtocol';

self.onmessage = (message: MessageEvent<ZipRequest>) => {
  const reply = answerZipRequest(message.data);
  (self as unknown as Worker).postMessage(reply, 'bytes' in reply ? [reply.bytes.buffer] : []);
};
