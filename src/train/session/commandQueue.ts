// Runs the session's work one piece after another: commands, a measurement's answer, a GPU lost
// while no loop runs. A failure is reported as an error event and the queue goes on.
import { errorText } from '../../backends/activate';
import type { Emit } from './context';

export class CommandQueue {
  private tail: Promise<void>;

  /** `first`: work everything waits for (the backend warm-up, which runs while the page fetches data). */
  constructor(
    first: Promise<void>,
    private readonly emit: Emit,
  ) {
    this.tail = first;
  }

  /** Queue `work` after everything queued so far; settles when it has run (or failed and been reported). */
  enqueue(work: () => Promise<void> | void): Promise<void> {
    this.tail = this.tail.then(work).catch((error) => {
      this.emit({ type: 'error', message: errorText(error) });
    });
    return this.tail;
  }

  /** Settles once everything queued so far has run. */
  settled(): Promise<void> {
    return this.tail;
  }
}
