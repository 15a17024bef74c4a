// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the syntax under test, not a template
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProject } from '../../../src/cli/check-project';
import { parseJobText } from '../../../src/etl';
import { interpolate } from '../../../src/etl/connections/interpolate';
import { loadConnections } from '../../../src/etl/connections/load';
import { lowerBound } from '../../../src/etl/sources/extract-window';
import { scratchDir } from '../../helpers/warehouse';

const scratch = scratchDir();
afterAll(() => scratch.remove());

describe('connection settings', () => {
  it('interpolates ${VAR} and ${VAR:-default}, and names a missing variable but never a value', () => {
    const env = { HOST: 'db.internal', EMPTY: '', SECRET: 'hunter2' };
    expect(interpolate('${HOST}:${PORT:-5432}', env, 'x')).toBe('db.internal:5432');
    expect(interpolate('${EMPTY:-fallback}/$${literal}', env, 'x')).toBe('fallback/${literal}');
    expect(() =>
      interpolate('Bearer ${TOKEN}', env, 'etl/sources.yml:4 (connections.api.headers.Authorization)'),
    ).toThrow(
      'etl/sources.yml:4 (connections.api.headers.Authorization): the environment variable TOKEN is not set',
    );
  });

  it('reports every problem of sources.yml with its line', () => {
    const root = join(scratch.dir, 'bad-sources');
    mkdirSync(join(root, 'etl'), { recursive: true });
    writeFileSync(
      join(root, 'etl', 'sources.yml'),
      'connections:\n  crm:\n    type: oracle\n  api:\n    type: http\n    base_url: x\n    retries: 3\n',
    );
    expect(() => loadConnections(root)).toThrow(
      /sources\.yml:3:\d+ \(connections\.crm\.type\)[\s\S]*sources\.yml:5:\d+ \(connections\.api\): Unrecognized key: "retries"/,
    );
  });
});

describe('secrets in sources.yml', () => {
  it('refuses a plain-text password, URL password or credential header, with file and line, in the loader and in rapport check', () => {
    const root = join(scratch.dir, 'plain-secrets');
    mkdirSync(join(root, 'etl'), { recursive: true });
    writeFileSync(
      join(root, 'etl', 'sources.yml'),
      [
        'connections:',
        '  crm:',
        '    type: postgres',
        '    password: hunter2',
        '  shop:',
        '    type: mysql',
        '    password: ${SHOP_PW:-hunter3}',
        '  api:',
        '    type: http',
        '    base_url: https://me:pa55@api.example.com',
        '    headers:',
        '      Authorization: Bearer abc123',
        '      X-Api-Key: "${API_KEY}"',
        '      Accept-Language: en',
        '  ok:',
        '    type: postgres',
        '    password: ${PGPASSWORD:-}',
        '',
      ].join('\n'),
    );
    const expected = [
      'etl/sources.yml:4 connections.crm.password: a secret is written only as an ${ENV_VAR} reference, never in plain text',
      'etl/sources.yml:7 connections.shop.password: a secret takes no default value (${NAME:-} for an empty one), since the default would be plain text',
      'etl/sources.yml:10 connections.api.base_url: the password in base_url: a secret is written only as an ${ENV_VAR} reference, never in plain text',
      'etl/sources.yml:12 connections.api.headers.Authorization: a secret is written only as an ${ENV_VAR} reference, never in plain text',
    ];
    const r = checkProject(root);
    expect(r.problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`)).toEqual(expected);
    expect(() => loadConnections(root)).toThrow(
      /sources\.yml:4:\d+ \(connections\.crm\.password\): a secret/,
    );
    expect(JSON.stringify(r.problems)).not.toMatch(/hunter|pa55|abc123/);
  });
});

describe('jobs of database and HTTP sources', () => {
  const problems = (yaml: string) => {
    try {
      parseJobText(yaml, 'job.yml');
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('checks the source, incremental key, overlap and soft deletes against the contract, with lines', () => {
    expect(
      problems(`name: a
source: { type: postgres, connection: crm, table: t, query: SELECT 1 }
target: campaigns
mapping: { campaign_id: id, name: { expr: "upper(n)" }, updated_at: changed }
incremental: { key: name, overlap: 5 }
soft_delete: { column: gone }
`),
    ).toBe(
      [
        '4 problems:',
        'job.yml:2 (source): a database source names exactly one of table and query',
        'job.yml:5 (incremental.key): on a database or HTTP source the incremental key must map to a source column (it filters the extract)',
        'job.yml:5 (incremental.overlap): overlap needs a timestamp, date or integer key; name is string',
        'job.yml:6 (soft_delete): soft deletes propagate to facts only; campaigns is a dimension that facts keep referring to',
      ].join('\n'),
    );
    expect(
      problems(`name: b
source: { type: http, connection: api, path: /v1/x }
target: campaigns
mapping: { campaign_id: id, name: n, updated_at: changed }
incremental: { key: updated_at }
`),
    ).toBe(
      '1 problem:\njob.yml:5 (incremental): an incremental HTTP source needs source.incremental_param (e.g. updated_since)',
    );
    expect(
      problems(`name: c
source: { type: csv, path: x.csv }
target: orders
mapping: { order_id: a, ordered_at: b, quantity: c, unit_price: d }
soft_delete: { expr: "true" }
`),
    ).toBe('1 problem:\njob.yml:5 (soft_delete): soft_delete applies to database and HTTP sources only');
    expect(
      problems(`name: d
source: { type: postgres, connection: crm, table: t }
target: orders
mapping: { order_id: a, line_no: n, ordered_at: b, quantity: c, unit_price: d }
incremental: { key: line_no }
`),
    ).toMatch(
      /^1 problem:\njob\.yml:5 \(incremental\): an integer incremental key .* needs an explicit overlap/,
    );
  });

  it('computes the next extract window from the watermark and the overlap', () => {
    expect(lowerBound('2025-01-01 10:04:00', 'timestamp', '10 minutes')).toBe('2025-01-01 09:54:00.000');
    expect(lowerBound('2025-01-01 00:00:30.5', 'timestamp', 60)).toBe('2024-12-31 23:59:30.500');
    expect(lowerBound('2025-03-01', 'date', 86_400)).toBe('2025-02-28');
    expect(lowerBound('1000', 'integer', 50)).toBe('950');
    // Without an overlap, timestamp and date keys re-read 10 minutes (a day for dates).
    expect(lowerBound('2025-01-01 10:04:00', 'timestamp', undefined)).toBe('2025-01-01 09:54:00.000');
    expect(lowerBound('2025-03-01', 'date', undefined)).toBe('2025-02-28');
    expect(lowerBound('2025-01-01 10:04:00', 'timestamp', 0)).toBe('2025-01-01 10:04:00.000');
    expect(() => lowerBound('1000', 'integer', 'a while')).toThrow(/"a while" is not a number or a duration/);
  });
});

describe('rapport check', () => {
  it('validates etl/jobs-sources and their connections too', () => {
    const root = join(scratch.dir, 'project');
    mkdirSync(join(root, 'etl', 'jobs-sources'), { recursive: true });
    writeFileSync(join(root, 'etl', 'sources.yml'), 'connections:\n  crm: { type: postgres }\n');
    writeFileSync(
      join(root, 'etl', 'jobs-sources', 'pg-a.yml'),
      'name: pg-a\nsource: { type: mysql, connection: crm, table: t }\ntarget: campaigns\nmapping: { campaign_id: id, name: n }\n',
    );
    writeFileSync(
      join(root, 'etl', 'jobs-sources', 'pg-b.yml'),
      'name: pg-b\nsource: { type: postgres, connection: nowhere, table: t }\ntarget: campaigns\nmapping: { campaign_id: id, name: n }\nschedule: "61 * * * *"\n',
    );
    const r = checkProject(root);
    expect(r.problems.map((p) => `${p.file}:${p.line} ${p.message}`)).toEqual([
      'etl/jobs-sources/pg-a.yml:2 connection "crm" is of type postgres, not mysql',
      expect.stringMatching(/^etl\/jobs-sources\/pg-b\.yml:5 not a cron expression/),
    ]);
  });
});
