import { h } from '../core/dom';

export interface Popover {
  readonly element: HTMLElement;
  open(): void;
  close(): void;
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
  options: { align?: 'left' | 'right'; onClose?: () => void } = {},
): Popover {
  const panel = h('div', { class: ['popover', options.align === 'right' && 'align-right'], role: 'dialog' });
  const host = anchor.parentElement;
  if (!host) throw new Error('a popover anchor must be in the page');
  host.classList.add('popover-host');

  const onDocumentClick = (e: MouseEvent) => {
    const target = e.target as Node;
    if (!panel.contains(target) && !anchor.contains(target)) api.close();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      api.close();
      anchor.focus();
    }
  };

  const api: Popover = {
    element: panel,
    get isOpen() {
      return panel.isConnected;
    },
    open() {
      if (openOne && openOne !== api) openOne.close();
      panel.replaceChildren(content(() => api.close()));
      host.appendChild(panel);
      anchor.setAttribute('aria-expanded', 'true');
      openOne = api;
      // Listen from the next task, or the click that opened the panel would close it.
      setTimeout(() => document.addEventListener('click', onDocumentClick), 0);
      document.addEventListener('keydown', onKey);
      panel.querySelector<HTMLElement>('input, button, [tabindex]')?.focus();
    },
    close() {
      if (!panel.isConnected) return;
      panel.remove();
      anchor.setAttribute('aria-expanded', 'false');
      document.removeEventListener('click', onDocumentClick);
      document.removeEventListener('keydown', onKey);
      if (openOne === api) openOne = undefined;
      options.onClose?.();
    },
    toggle() {
      if (api.isOpen) api.close();
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
