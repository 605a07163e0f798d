// Let commands (Pause) through between training steps without the 4 ms clamp of nested timers.
/**
 * Yield to the event loop with a macrotask, so commands (Pause) get through between steps.
 * setTimeout is clamped to 4 ms when nested; a message on one reused channel costs microseconds.
 */
const yieldChannel = typeof MessageChannel === 'undefined' ? null : new MessageChannel();
const waitingForYield: (() => void)[] = [];
if (yieldChannel) yieldChannel.port1.onmessage = () => waitingForYield.shift()?.();

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (!yieldChannel) {
      setTimeout(resolve, 0);
      return;
    }
    waitingForYield.push(resolve);
    yieldChannel.port2.postMessage(null);
  });
}
