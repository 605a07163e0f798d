// The page's side of the model tag (see `ModelTag` in protocol.ts): numbers each model the page
// asks for, and tells the events of that model from those a replaced model still sends.
import { isModelEvent, type ModelTag, type PageCommand, type WorkerCommand, type WorkerEvent } from './protocol';

export class PageModelTags {
  /** The tag of the model the page asked for last; 0 before any, as the worker starts with. */
  private latest: ModelTag = 0;

  /** The command as sent: one that asks for a new model gets the next tag, the rest go as they are. */
  stamp(command: PageCommand): WorkerCommand {
    switch (command.type) {
      case 'configure':
      case 'restore':
      case 'reset':
        return { ...command, model: ++this.latest };
      default:
        return command;
    }
  }

  /**
   * Whether the page should take the event: any event about the model it asked for last, and every
   * event that is not about a model (backends, notices, answers), as those hold whatever it shows.
   */
  accepts(event: WorkerEvent): boolean {
    return !isModelEvent(event) || event.model === this.latest;
  }
}
