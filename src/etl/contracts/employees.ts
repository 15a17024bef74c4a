import type { LandingContract } from './contract';
import { code, required, str, ts } from './field';

/** Not in the original contract list: sales managers and agents need names on dashboards. */
export const employees: LandingContract = {
  name: 'employees',
  description: 'Sales managers, support agents and other staff referenced by employee_id.',
  kind: 'dimension',
  table: 'dim_employee',
  naturalKey: ['employee_id'],
  fields: {
    employee_id: required(str()),
    name: str(),
    email: code(),
    role: code(),
    team: str(),
    region: str(),
    hired_at: ts(),
    updated_at: ts(),
  },
};
