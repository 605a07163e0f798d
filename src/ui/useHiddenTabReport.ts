// Training runs in a worker, so it goes on while the tab is hidden (the page's timers are
// throttled, the worker's loop is not). When the user comes back, a notice says how much ran.
import { useEffect } from 'react';
import type { AppController } from '../state/controller';

export function useHiddenTabReport(controller: AppController): void {
  useEffect(() => {
    let stepWhenHidden: number | null = null;
    const currentStep = () => controller.store.getState().progress?.globalStep ?? 0;
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') {
        stepWhenHidden = currentStep();
        return;
      }
      if (stepWhenHidden === null) return;
      const ran = currentStep() - stepWhenHidden;
      stepWhenHidden = null;
      if (ran > 0) controller.notify('info', `While this tab was hidden, training went on: ${ran.toLocaleString('en')} ${ran === 1 ? 'step' : 'steps'} ran.`);
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [controller]);
}
