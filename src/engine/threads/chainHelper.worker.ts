// The browser worker a pool helper runs in (see chainHelper.ts).
import { serveHelper, type HelperMessage, type HelperStart } from './chainHelper';

interface HelperScope {
  onmessage: ((event: MessageEvent<HelperStart>) => void) | null;
  postMessage(message: HelperMessage): void;
}
const scope = self as unknown as HelperScope;

scope.onmessage = ({ data }) => {
  scope.onmessage = null;
  void serveHelper(data, (message) => scope.postMessage(message));
};
