/**
 * Resolves once `condition()` is truthy; rejects with `message` after `timeout` ms, and with what
 * `state()` (if given) reads of the page then. Written once for both browser suites: Playwright's
 * `expect.poll` exists only under its runner's `expect`, and puppeteer has no equivalent.
 */
export async function poll(condition, { message, timeout = 60_000, interval = 100, state } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      const seen = state ? ` (the page: ${JSON.stringify(await state().catch((error) => String(error)))})` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for: ${message}${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
