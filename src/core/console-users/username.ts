import { CoreError } from '../errors.js';

/**
 * Names the system itself writes as the actor of audit events: a person may not take them, or the
 * log could not tell their acts from the gateway's.
 */
const reserved = new Set(['system', 'cli', 'anonymous']);

/**
 * Control, format (bidi overrides, zero-width joiners), surrogate, private-use and unassigned code
 * points, and every separator: each would let two names look alike in the audit log or the console.
 */
const refused = /[\p{C}\p{Z}]/u;

export const maxUsernameLength = 64;

/**
 * The user name as stored: NFKC (so that a full-width "ａｄｍｉｎ" is "admin", UTS #15) and trimmed.
 * Throws invalid_input naming the rule it breaks.
 */
export function normaliseUsername(input: string): string {
  const name = input.normalize('NFKC').trim();
  const fail = (message: string) =>
    new CoreError('invalid_input', message, { details: { field: 'username' } });
  if (!name) throw fail('A user name is required');
  if ([...name].length > maxUsernameLength)
    throw fail(`A user name has at most ${maxUsernameLength} characters`);
  if (refused.test(name))
    throw fail('A user name may not contain spaces, control or bidirectional characters');
  if (reserved.has(usernameKey(name))) throw fail(`"${name}" is reserved for the gateway itself`);
  return name;
}

/**
 * The key user names are unique by and looked up by: case-folded after NFKC, then NFKC again because
 * lower-casing can leave a string that is no longer normalised.
 */
export function usernameKey(normalised: string): string {
  return normalised.toLowerCase().normalize('NFKC');
}
