/**
 * GetCACaps (RFC 8894 §3.5.2): the profile's list, reduced to what this server really does, one
 * keyword per line. GetNextCACert is listed only while a rollover certificate exists (as EJBCA does).
 */
import { scepCapabilities } from '../../src/core/profiles/profile.js';

/** Every capability keyword this server implements. */
export const supportedCapabilities = scepCapabilities;

export function capabilitiesText(configured: readonly string[], hasNextCa: boolean): string {
  const supported = new Set<string>(supportedCapabilities);
  const wanted = configured.filter(
    (cap, i) => supported.has(cap) && configured.indexOf(cap) === i && (cap !== 'GetNextCACert' || hasNextCa),
  );
  return wanted.join('\n');
}
