/**
 * A policy refusal as the operator reads it: the API's error details name the rule and the name it
 * refused (domain policy, key policy), so the page can say which rule and which name, not only the message.
 */
import type { ApiError } from '../api/client.js';

export interface Refusal {
  rule: string;
  name: string | null;
}

export function refusalOf(error: ApiError): Refusal | null {
  const rule = error.details.rule;
  if (typeof rule !== 'string' || rule === '') return null;
  const name = error.details.name;
  return { rule, name: typeof name === 'string' && name !== '' ? name : null };
}

/** The DNS names field as the API takes it: comma-separated, blanks dropped; empty means "keep the CSR's". */
export function namesField(text: string): string[] {
  return text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
}
