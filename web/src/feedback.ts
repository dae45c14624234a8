// feedback.ts: the alert (errors with an optional retry), the busy flag and
// the status line under the graph.

import type { App } from './app';
import { $ } from './dom';
import { describe } from './errors';
import { statusLine } from './state';

export function mountFeedback(app: App): void {
  const alertBox = $('alert');
  const alertText = $('alert-text');
  const retryButton = $('alert-retry');
  let retryAction: (() => void) | null = null;
  let busyCount = 0;

  function showError(message: string, retry?: () => void): void {
    alertText.textContent = message;
    retryAction = retry ?? null;
    retryButton.hidden = retry === undefined;
    alertBox.hidden = false;
  }

  function clearError(): void {
    alertBox.hidden = true;
    alertText.textContent = '';
  }

  function setStatus(busy?: string): void {
    $('status').textContent = busy ?? statusLine(app.view);
  }

  async function run<T>(label: string, fn: () => Promise<T>, retry?: () => void): Promise<T | undefined> {
    busyCount++;
    document.body.dataset.busy = 'true';
    setStatus(`${label}…`);
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return undefined;
      console.error(label, err);
      showError(`${label} failed. ${describe(err)}`, retry);
      return undefined;
    } finally {
      busyCount--;
      if (busyCount === 0) {
        document.body.dataset.busy = 'false';
        setStatus();
      }
    }
  }

  $('alert-close').addEventListener('click', clearError);
  retryButton.addEventListener('click', () => {
    const r = retryAction;
    clearError();
    r?.();
  });
  window.addEventListener('error', (e) => showError(`Something went wrong in the page: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => showError(describe(e.reason)));

  Object.assign(app, { run, showError, setStatus });
}
