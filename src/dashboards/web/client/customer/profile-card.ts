import { humanize } from '../../../../util/labels';
import type { CustomerDetail } from '../api-types';
import { h } from '../core/dom';
import { formatTime } from '../core/format';

const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

function fact(label: string, value: Node | string | null): HTMLElement | null {
  if (value === null) return null;
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
}

/** Who the customer is: name, id, type, contact details, where, since when, from which channel. */
export function profileCard(d: CustomerDetail): HTMLElement {
  const p = d.profile;
  const email = text(p['email']);
  const phone = text(p['phone']);
  const place = [p['city'], p['country'], p['region']].map(text).filter(Boolean).join(', ');
  return h(
    'section',
    { class: 'panel profile-card', 'aria-label': 'Profile' },
    h(
      'div',
      { class: 'profile-head' },
      h(
        'div',
        { class: 'avatar', 'aria-hidden': 'true' },
        (text(p.name) ?? p.customer_id).slice(0, 1).toUpperCase(),
      ),
      h(
        'div',
        {},
        h('h1', { class: 'customer-name' }, text(p.name) ?? p.customer_id),
        h(
          'p',
          { class: 'muted' },
          p.customer_id,
          text(p['type']) ? h('span', { class: 'badge' }, String(p['type'])) : null,
          p['placeholder'] === true
            ? h(
                'span',
                { class: 'badge planned', title: 'Known only from facts that name it' },
                'placeholder',
              )
            : null,
        ),
      ),
    ),
    h(
      'dl',
      { class: 'facts' },
      fact('E-mail', email ? h('a', { href: `mailto:${email}` }, email) : null),
      fact('Phone', phone ? h('a', { href: `tel:${phone.replace(/\s+/g, '')}` }, phone) : null),
      fact('Location', place || null),
      fact('Industry', text(p['industry']) ? humanize(String(p['industry'])) : null),
      fact('Customer since', text(p['signup_at']) ? formatTime(p['signup_at'], 'day') : null),
      fact(
        'Acquired via',
        text(p['acquisition_channel']) ? humanize(String(p['acquisition_channel'])) : null,
      ),
    ),
  );
}
