import { h } from '../core/dom';
import { popover } from './popover';

export interface MenuItem {
  readonly label: string;
  readonly action: () => void;
  readonly hidden?: boolean;
}

/** A "⋯" button that opens a list of actions. `items` is read on every open. */
export function menuButton(label: string, items: () => readonly MenuItem[]): HTMLElement {
  const button = h(
    'button',
    { class: 'icon-button', type: 'button', 'aria-label': label, title: label },
    '⋯',
  );
  const wrap = h('div', { class: 'menu' }, button);
  popover(
    button,
    (close) =>
      h(
        'ul',
        { class: 'menu-list', role: 'menu' },
        items()
          .filter((i) => !i.hidden)
          .map((i) =>
            h(
              'li',
              { role: 'none' },
              h(
                'button',
                {
                  type: 'button',
                  role: 'menuitem',
                  class: 'menu-item',
                  on: {
                    click: () => {
                      close();
                      i.action();
                    },
                  },
                },
                i.label,
              ),
            ),
          ),
      ),
    { align: 'right' },
  );
  return wrap;
}
