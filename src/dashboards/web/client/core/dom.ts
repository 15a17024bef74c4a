export type Child = Node | string | number | null | undefined | false;

type Listeners = { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };

export interface Props {
  /** Class names; falsy entries are dropped, so conditions read inline. */
  readonly class?: string | readonly (string | false | null | undefined)[];
  readonly on?: Listeners;
  readonly dataset?: Readonly<Record<string, string>>;
  readonly style?: Readonly<Record<string, string>>;
  /** Any other attribute: `true` sets it empty, `false`/`null`/`undefined` leave it out. */
  readonly [attribute: string]: unknown;
}

/** Creates an element with attributes, listeners and children (strings become text, never markup). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Child | readonly Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') {
      const names = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
      if (names) el.className = names;
    } else if (key === 'on') {
      for (const [type, listener] of Object.entries(value as Listeners)) {
        el.addEventListener(type, listener as EventListener);
      }
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'style') {
      for (const [name, v] of Object.entries(value as Record<string, string>)) el.style.setProperty(name, v);
    } else if (key === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (key === 'checked' && el instanceof HTMLInputElement) {
      el.checked = value === true;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: readonly (Child | readonly Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: (Child | readonly Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** The element matching `selector` inside `root`; throws when the page shell lacks it. */
export function must<T extends Element = HTMLElement>(selector: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`the page has no ${selector}`);
  return el;
}
