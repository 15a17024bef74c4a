import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { parseJobText } from '../../src/etl';

function problems(yaml: string) {
  try {
    parseJobText(yaml, 'etl/jobs/x.yml');
  } catch (e) {
    if (e instanceof ConfigError)
      return e.problems.map((p) => ({ line: p.line, field: p.field, message: p.message }));
    throw e;
  }
  return [];
}

describe('job files are validated with file, line and field', () => {
  it('accepts the job shape docs/architecture.md shows', () => {
    const job = parseJobText(
      `name: shop-orders
source:
  type: csv
  path: fixtures/demo/shop/orders.csv
  options: { delimiter: ",", header: true, encoding: utf-8, timestamp_format: "%Y-%m-%d %H:%M:%S" }
target: orders
mapping:
  order_id: InvoiceNo
  ordered_at: InvoiceDate
  quantity: Quantity
  unit_price: UnitPrice
  customer_id: CustomerID
  status: { expr: "CASE WHEN InvoiceNo LIKE 'C%' THEN 'cancelled' ELSE 'completed' END" }
  updated_at: updated
incremental: { key: updated_at }
`,
    );
    expect(job.definition.target).toBe('orders');
    expect(job.definition.incremental).toEqual({ key: 'updated_at' });
    expect(job.lineOf(['mapping', 'status'])).toBe(13);
  });

  it('reports every schema problem at once, each at its line', () => {
    const got = problems(`name: Bad Name
source:
  type: csv
  path: a.csv
  options: { delimeter: ";" }
target: orders
mapping:
  order_id: 5
`);
    expect(got).toEqual([
      {
        line: 1,
        field: 'name',
        message: 'a job name is lower-case letters, digits, - and _, starting with a letter',
      },
      { line: 5, field: 'source.options', message: expect.stringContaining('delimeter') },
      { line: 8, field: 'mapping.order_id', message: expect.any(String) },
    ]);
  });

  it('names unknown targets and lists the contracts', () => {
    const got = problems('name: x\nsource: { type: csv, path: a.csv }\ntarget: order\nmapping: {}\n');
    expect(got).toEqual([
      {
        line: 3,
        field: 'target',
        message: expect.stringContaining(
          'unknown target "order"; expected one of employees, products, customers',
        ),
      },
    ]);
  });

  it('requires the required fields of the contract and rejects unknown ones', () => {
    const got = problems(`name: x
source: { type: csv, path: a.csv }
target: orders
mapping:
  order_id: a
  ordered_at: b
  quantity: c
  unitprice: d
`);
    expect(got).toEqual([
      {
        line: 8,
        field: 'mapping.unitprice',
        message: expect.stringContaining('"unitprice" is not a field of orders'),
      },
      { line: 5, field: 'mapping', message: 'required field "unit_price" of orders is not mapped' },
    ]);
  });

  it('checks the incremental key is a mapped field', () => {
    const got = problems(`name: x
source: { type: csv, path: a.csv }
target: products
mapping: { sku: a }
incremental: { key: updated_at }
`);
    expect(got).toEqual([
      { line: 5, field: 'incremental.key', message: 'the incremental key "updated_at" is not mapped' },
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const got = problems('name: x\nsource: [\n');
    expect(got[0]?.line).toBeGreaterThanOrEqual(2);
  });
});
