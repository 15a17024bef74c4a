import { ApiError } from '../core/api';
import { h } from '../core/dom';
import {
  type Destination,
  SUBSCRIPTIONS_URL,
  type Subscription,
  type SubscriptionTarget,
  subscriptionsApi,
} from './api';

/** Schedules a person picks from; "Custom" leaves the cron field to them. */
export const PRESETS: readonly { label: string; cron: string }[] = [
  { label: 'Every Monday 08:00', cron: '0 8 * * 1' },
  { label: 'Every weekday 08:00', cron: '0 8 * * 1-5' },
  { label: 'Every day 08:00', cron: '0 8 * * *' },
  { label: 'First day of the month 08:00', cron: '0 8 1 * *' },
];

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const field = (label: string, control: HTMLElement, hint?: string) =>
  h(
    'label',
    { class: 'subscribe-field' },
    h('span', {}, label),
    control,
    hint ? h('small', { class: 'muted' }, hint) : null,
  );

/**
 * The "Subscribe…" form of a dashboard or a saved question: a name, a schedule (a preset or a
 * cron expression) in a time zone (the browser's by default), and one destination (e-mail
 * recipients, or a webhook taking our JSON or a Slack body). It posts to /v1/subscriptions and
 * says what the server answered: the next delivery, or the server's message (which names the
 * field at fault).
 */
export function subscribeForm(
  target: () => SubscriptionTarget,
  name: string,
  onCreated?: (s: Subscription) => void,
): HTMLFormElement {
  const nameInput = h('input', { name: 'name', value: name, required: true });
  const preset = h(
    'select',
    { name: 'preset' },
    PRESETS.map((p) => h('option', { value: p.cron }, p.label)),
    h('option', { value: '' }, 'Custom (cron)'),
  );
  const cron = h('input', { name: 'cron', value: PRESETS[0]!.cron, required: true, spellcheck: 'false' });
  preset.addEventListener('change', () => {
    if (preset.value) cron.value = preset.value;
    else cron.focus();
  });
  cron.addEventListener('input', () => {
    preset.value = PRESETS.some((p) => p.cron === cron.value.trim()) ? cron.value.trim() : '';
  });
  const zone = h('input', { name: 'timezone', value: browserZone(), required: true });
  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: 'email' }, 'E-mail'),
    h('option', { value: 'webhook' }, 'Webhook'),
  );
  const to = h('input', { name: 'to', type: 'text', placeholder: 'name@example.com, other@example.com' });
  // A text field (the server checks the URL and names what is wrong), styled like the others.
  const url = h('input', {
    name: 'url',
    type: 'text',
    inputmode: 'url',
    class: 'subscribe-url',
    placeholder: 'https://hooks.example.com/…',
  });
  const format = h(
    'select',
    { name: 'format' },
    h('option', { value: 'json' }, 'JSON'),
    h('option', { value: 'slack' }, 'Slack'),
  );
  const emailFields = field('Recipients', to, 'separated by commas');
  const webhookFields = h(
    'div',
    { class: 'subscribe-row' },
    field('Webhook URL', url),
    field('Body', format),
  );
  const showKind = () => {
    emailFields.hidden = kind.value !== 'email';
    webhookFields.hidden = kind.value !== 'webhook';
  };
  kind.addEventListener('change', showKind);
  showKind();
  const status = h('p', { class: 'subscribe-status', role: 'status' });

  const destination = (): Destination =>
    kind.value === 'email'
      ? {
          kind: 'email',
          to: to.value
            .split(/[,;\s]+/)
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : { kind: 'webhook', url: url.value.trim(), format: format.value === 'slack' ? 'slack' : 'json' };

  const form = h(
    'form',
    {
      class: 'subscribe-form',
      'aria-label': 'Subscribe',
      on: {
        submit: async (e) => {
          e.preventDefault();
          status.className = 'subscribe-status';
          status.textContent = 'Saving…';
          try {
            const s = await subscriptionsApi.create({
              name: nameInput.value.trim(),
              target: target(),
              cron: cron.value.trim(),
              timezone: zone.value.trim(),
              destinations: [destination()],
            });
            status.className = 'subscribe-status is-success';
            status.replaceChildren(
              `Subscribed. Next delivery ${s.next_run ? new Date(s.next_run).toLocaleString() : '—'}. `,
              h('a', { href: SUBSCRIPTIONS_URL }, 'Your subscriptions'),
            );
            form.dataset.subscription = s.id;
            onCreated?.(s);
          } catch (err) {
            status.className = 'subscribe-status is-error';
            status.textContent = err instanceof ApiError || err instanceof Error ? err.message : String(err);
          }
        },
      },
    },
    field('Name', nameInput),
    h(
      'div',
      { class: 'subscribe-row' },
      field('Schedule', preset),
      field('Cron', cron),
      field('Time zone', zone),
    ),
    field('Send by', kind),
    emailFields,
    webhookFields,
    h(
      'div',
      { class: 'subscribe-buttons' },
      h('button', { type: 'submit', class: 'button small primary' }, 'Subscribe'),
    ),
    status,
  );
  return form;
}

/**
 * A "Subscribe…" button that opens the form in a panel below `anchor` (and closes it again);
 * the form is made when first opened.
 */
export function subscribeToggle(
  anchor: HTMLElement,
  target: () => SubscriptionTarget,
  name: string,
  onCreated?: (s: Subscription) => void,
  /** The size of the buttons beside it: `small` in a dashboard's header, regular in a list row. */
  size: 'small' | 'regular' = 'small',
): HTMLButtonElement {
  let panel: HTMLElement | undefined;
  const button = h(
    'button',
    {
      type: 'button',
      class: ['button', size === 'small' && 'small'],
      dataset: { action: 'subscribe' },
      'aria-expanded': 'false',
    },
    'Subscribe…',
  );
  button.addEventListener('click', () => {
    if (!panel) {
      panel = h(
        'section',
        { class: 'subscribe-panel', 'aria-label': `Subscribe to ${name}` },
        h('h2', {}, `Subscribe to ${name}`),
        subscribeForm(target, name, onCreated),
      );
      anchor.after(panel);
    } else panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
  });
  return button;
}
