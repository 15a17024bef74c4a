import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, retryDueDeliveries } from '../../src/delivery/send';
import { deliverySettings } from '../../src/delivery/settings';
import type { Engine } from '../../src/engine';
import { buildApp } from '../../src/server/app';
import { ARTIFACTS } from '../e2e/support/artifacts';
import { loadDemo, ROOT } from '../helpers/demo';

/** The server's clock: "last 12 months" is Jul 2025 – Jun 2026. */
const NOW = new Date('2026-07-01T00:00:00Z');
const BASE = 'http://rapport.example';

/** An SMTP server on loopback that parses every message it accepts. */
async function smtpServer(
  port = 0,
): Promise<{ port: number; mails: ParsedMail[]; close: () => Promise<void> }> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((m) => {
        mails.push(m);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.server.address() as AddressInfo).port;
  return { port: bound, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A webhook receiver on loopback keeping each JSON body. */
async function webhookReceiver(): Promise<{
  url: string;
  bodies: Record<string, unknown>[];
  server: Server;
}> {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      bodies.push({ path: req.url, ...(JSON.parse(text) as Record<string, unknown>) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, server };
}

/** A port nothing listens on (bound, then freed). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian). */
function pngSize(b: Buffer): { width: number; height: number } {
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

const until = async (ok: () => boolean, ms = 5000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
};

describe('subscriptions delivered by e-mail and webhook', () => {
  let engine: Engine;
  let app: FastifyInstance;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;

  beforeAll(async () => {
    smtp = await smtpServer();
    hook = await webhookReceiver();
    process.env['RAPPORT_SMTP_URL'] = `smtp://127.0.0.1:${smtp.port}`;
    process.env['RAPPORT_SMTP_FROM'] = 'reports@rapport.example';
    process.env['RAPPORT_BASE_URL'] = BASE;
    ({ engine } = await loadDemo());
    app = await buildApp({ engine, root: ROOT, now: () => NOW });
  });
  afterAll(async () => {
    await app.close();
    await engine.close();
    await smtp.close();
    hook.server.close();
  });

  it('refuses a bad cron, a bad time zone and an unknown dashboard, saying which', async () => {
    const body = (over: object) => ({
      name: 'x',
      target: { dashboard: 'service' },
      cron: '0 8 * * 1',
      timezone: 'UTC',
      destinations: [{ kind: 'email', to: ['a@b.example'] }],
      ...over,
    });
    const post = (over: object) =>
      app.inject({ method: 'POST', url: '/v1/subscriptions', payload: body(over) });
    const cron = await post({ cron: '61 8 * * 1' });
    expect(cron.statusCode).toBe(400);
    expect(cron.json().message).toMatch(/^cron: "61 8 \* \* 1"/);
    const zone = await post({ timezone: 'Europe/Atlantis' });
    expect(zone.statusCode).toBe(400);
    expect(zone.json().message).toMatch(/^timezone: "Europe\/Atlantis"/);
    const dash = await post({ target: { dashboard: 'nope' } });
    expect(dash.statusCode).toBe(404);
    expect(dash.json().message).toContain('no dashboard "nope"');
    const mail = await post({ destinations: [{ kind: 'email', to: ['not an address'] }] });
    expect(mail.statusCode).toBe(400);
  });

  it('sends a dashboard: PNG and PDF that decode, each tile as the API’s CSV, JSON and Slack webhooks', async () => {
    const filters = { channel: ['email'] };
    const created = await app.inject({
      method: 'POST',
      url: '/v1/subscriptions',
      payload: {
        name: 'Service weekly',
        target: { dashboard: 'service', filters },
        cron: '0 8 * * 1',
        timezone: 'Europe/Berlin',
        destinations: [
          { kind: 'email', to: ['ceo@rapport.example', 'ops@rapport.example'] },
          { kind: 'webhook', url: `${hook.url}/json`, format: 'json' },
          { kind: 'webhook', url: `${hook.url}/slack`, format: 'slack' },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    const sub = created.json();
    expect(sub.owner.name).toBe('local');
    // Mondays 08:00 in Berlin: a UTC instant at 06:00 (summer) or 07:00 (winter), on a Monday.
    const next = new Date(sub.next_run);
    expect(next.getUTCDay()).toBe(1);
    expect([6, 7]).toContain(next.getUTCHours());

    const sent = await app.inject({ method: 'POST', url: `/v1/subscriptions/${sub.id}/send` });
    expect(sent.statusCode).toBe(200);
    const outcomes = sent.json().deliveries as { status: string; deliveryId: string }[];
    expect(outcomes.map((o) => o.status)).toEqual(['sent', 'sent', 'sent']);

    await until(() => smtp.mails.length > 0 && hook.bodies.length >= 2);
    const mail = smtp.mails[0]!;
    expect(mail.subject).toBe('Service weekly');
    const to = [mail.to].flat().flatMap((a) => a!.value.map((v) => v.address));
    expect(to).toEqual(['ceo@rapport.example', 'ops@rapport.example']);
    expect(mail.from?.value[0]?.address).toBe('reports@rapport.example');

    const png = mail.attachments.find((a) => a.filename === 'service.png')!;
    expect([...png.content.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const size = pngSize(png.content);
    expect(size.width).toBe(1240); // the page's layout width (12 columns)
    expect(size.height).toBeGreaterThan(400); // a header and three rows of tiles at least
    // For a person to look at (tests/e2e/artifacts, gitignored).
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'subscription-service.png'), png.content);
    const pdf = mail.attachments.find((a) => a.filename === 'service.pdf')!;
    expect(pdf.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.content.subarray(-8).toString('latin1')).toContain('%%EOF');
    const pages = pdf.content.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);

    // Every tile's CSV equals what the API answers for the same tile and filters.
    const list = (await app.inject({ method: 'GET', url: '/v1/dashboards/service?channel=email' })).json();
    const tileNames = (list.tiles as { name: string; error?: unknown }[])
      .filter((t) => !t.error)
      .map((t) => t.name);
    expect(tileNames.length).toBeGreaterThan(3);
    for (const name of tileNames) {
      const api = await app.inject({
        method: 'GET',
        url: `/v1/dashboards/service/tiles/${name}.csv?channel=email`,
      });
      const attached = mail.attachments.find((a) => a.filename === `${name}.csv`);
      expect(attached?.content.toString('utf8'), name).toBe(api.body);
    }

    // Data as of: the end of the last successful load of the tickets (the dashboard's only facts).
    const asOf = await engine.query(
      "SELECT strftime(max(finished_at), '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS t FROM etl_runs WHERE status = 'succeeded' AND target = 'tickets'",
    );
    const expectedAsOf = String(asOf.rows[0]!['t']);
    expect(mail.text).toContain(`Data as of ${expectedAsOf}`);
    expect(mail.text).toContain(`${BASE}/dashboards/service?channel=email`);
    expect(mail.text).toContain('Channel: Email');

    // The JSON webhook: the numbers (the KPI as the tile's JSON has it), the image link, data as of.
    const json = hook.bodies.find((b) => b['path'] === '/json')!;
    expect(json['data_as_of']).toBe(expectedAsOf);
    const tickets = await app.inject({
      method: 'GET',
      url: '/v1/dashboards/service/tiles/tickets.json?channel=email',
    });
    const data = json['data'] as { tiles: { name: string; value?: number }[] };
    expect(data.tiles.find((t) => t.name === 'tickets')?.value).toBe(tickets.json().kpi.value);
    const jsonDelivery = outcomes[1]!.deliveryId;
    expect(json['images']).toEqual([`${BASE}/v1/deliveries/${jsonDelivery}/files/service.png`]);
    // The link serves the same image the e-mail carried.
    const image = await app.inject({
      method: 'GET',
      url: `/v1/deliveries/${jsonDelivery}/files/service.png`,
    });
    expect(image.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(image.rawPayload, png.content)).toBe(0);

    const slack = hook.bodies.find((b) => b['path'] === '/slack')!;
    expect(typeof slack['text']).toBe('string');
    const blocks = slack['blocks'] as { type: string; image_url?: string }[];
    expect(blocks.map((b) => b.type)).toEqual(['section', 'image', 'context']);
    expect(blocks[1]!.image_url).toBe(`${BASE}/v1/deliveries/${outcomes[2]!.deliveryId}/files/service.png`);

    const log = (await app.inject({ method: 'GET', url: `/v1/subscriptions/${sub.id}/deliveries` })).json();
    expect(log.data.map((d: { status: string; attempts: number }) => [d.status, d.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
  }, 30_000);

  it('keeps a message when the SMTP server is down and sends it when it is back (after a restart too)', async () => {
    const port = await freePort();
    let t = new Date('2026-07-01T08:00:00Z');
    const settings = deliverySettings({}, { smtpUrl: `smtp://127.0.0.1:${port}`, timeoutMs: 2000 });
    const first = await deliver(
      { engine, settings, now: () => t },
      { kind: 'email', to: ['late@rapport.example'] },
      {
        subject: 'Queued',
        text: 'sent when the server is back',
        attachments: [{ filename: 'n.csv', contentType: 'text/csv', content: Buffer.from('a\n1\n') }],
      },
    );
    expect(first.status).toBe('retrying');
    expect(first.error).toMatch(/ECONNREFUSED/);
    // The first retry waits the base delay, 60 s.
    expect(first.nextAttemptAt).toBe('2026-07-01T08:01:00.000Z');

    // Not due yet: nothing is tried.
    t = new Date('2026-07-01T08:00:30Z');
    expect(await retryDueDeliveries({ engine, settings, now: () => t })).toEqual([]);
    // Due, still down: the second attempt fails and waits twice as long.
    t = new Date('2026-07-01T08:01:00Z');
    const second = await retryDueDeliveries({ engine, settings, now: () => t });
    expect(second.map((o) => [o.status, o.attempts, o.nextAttemptAt])).toEqual([
      ['retrying', 2, '2026-07-01T08:03:00.000Z'],
    ]);

    // The server comes back on that port; a new process (fresh deps) finds the message in the log.
    const back = await smtpServer(port);
    try {
      t = new Date('2026-07-01T08:03:00Z');
      const third = await retryDueDeliveries({ engine, settings: { ...settings }, now: () => t });
      expect(third.map((o) => [o.status, o.attempts])).toEqual([['sent', 3]]);
      await until(() => back.mails.length > 0);
      expect(back.mails.map((m) => m.subject)).toEqual(['Queued']);
      expect(back.mails[0]!.attachments[0]!.content.toString()).toBe('a\n1\n');
    } finally {
      await back.close();
    }
    const row = await engine.query({
      text: 'SELECT status, attempts, next_attempt_at, error FROM deliveries WHERE delivery_id = $1',
      params: [first.deliveryId],
    });
    expect(row.rows).toEqual([{ status: 'sent', attempts: 3, next_attempt_at: null, error: null }]);
    const attempts = await engine.query({
      text: 'SELECT attempt, status FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt',
      params: [first.deliveryId],
    });
    expect(attempts.rows).toEqual([
      { attempt: 1, status: 'failed' },
      { attempt: 2, status: 'failed' },
      { attempt: 3, status: 'sent' },
    ]);
  }, 20_000);
});
