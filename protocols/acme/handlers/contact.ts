import { problem } from '../problems.js';

const MAX_CONTACTS = 10;
// A conservative addr-spec: local@domain with no hfields (RFC 6068 query) and no display name.
const MAILTO = /^mailto:([A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+)@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$/;

/** §7.3: contact URLs; only mailto is supported (unsupportedContact), each must be one address. */
export function parseContact(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((c) => typeof c === 'string')) {
    throw problem.malformed('contact must be an array of strings');
  }
  if (value.length > MAX_CONTACTS) throw problem.invalidContact(`At most ${MAX_CONTACTS} contacts`);
  return value.map((c: string) => {
    if (!c.toLowerCase().startsWith('mailto:'))
      throw problem.unsupportedContact(`Only mailto: contacts are supported, not "${c}"`);
    if (!MAILTO.test(c)) throw problem.invalidContact(`"${c}" is not a single valid email address`);
    return c;
  });
}
