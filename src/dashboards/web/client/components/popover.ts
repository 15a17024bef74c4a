import { h } from '../core/dom';

/**
 * Why a popover closed: `action` when its content closed it (a choice was made or applied);
 * the others are the ways of leaving without one: Escape, a click outside, a click on its
 * button again, or another popover opening.
 */
export type CloseReason = 'action' | 'escape' | 'outside' | 'toggle' | 'replaced';

export interface Popover {
  readonly element: HTMLElement;
  open(): void;
  close(reason?: CloseReason): void;
  toggle(): void;
  readonly isOpen: boolean;
}

let openOne: Popover | undefined;

/**
 * A panel under `anchor` that closes on Escape, on a click outside it and when another popover
 * opens. `content` is called on every open, so the panel shows current state.
 */
export function popover(
  anchor: HTMLElement,
  content: (close: () => void) => Node,
  options: { align?: 'left' | 'right'; onClose?: (reason: CloseReason) => void } = {},
): Popover {
  const panel = h('div', { class: ['popover', options.align === 'right' && 'align-right'], role: 'dialog' });
  const host = anchor.parentElement;
  if (!host) throw new Error('a popover anchor must be in the page');
  host.classList.add('popover-host');

  const onDocumentClick = (e: MouseEvent) => {
    const target = e.target as Node;
    if (!panel.contains(target) && !anchor.contains(target)) api.close('outside');
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      api.close('escape');
      anchor.focus();
    }
  };

  const api: Popover = {
    element: panel,
    get isOpen() {
      return panel.isConnected;
    },
    open() {
      if (openOne && openOne !== api) openOne.close('replaced');
      panel.replaceChildren(content(() => api.close('action')));
      host.appendChild(panel);
      anchor.setAttribute('aria-expanded', 'true');
      openOne = api;
      // Listen from the next task, or the click that opened the panel would close it.
      setTimeout(() => document.addEventListener('click', onDocumentClick), 0);
      document.addEventListener('keydown', onKey);
      panel.querySelector<HTMLElement>('input, button, [tabindex]')?.focus();
    },
    close(reason = 'action') {
      if (!panel.isConnected) return;
      panel.remove();
      anchor.setAttribute('aria-expanded', 'false');
      document.removeEventListener('click', onDocumentClick);
      document.removeEventListener('keydown', onKey);
      if (openOne === api) openOne = undefined;
      options.onClose?.(reason);
    },
    toggle() {
      if (api.isOpen) api.close('toggle');
      else api.open();
    },
  };
  anchor.setAttribute('aria-haspopup', 'dialog');
  anchor.setAttribute('aria-expanded', 'false');
  anchor.addEventListener('click', (e) => {
    e.preventDefault();
    api.toggle();
  });
  return api;
}
