/** GetCACert's answer per client (RFC 8894 §4.2.1): the RA alone only where the chain would break the client. */
import { describe, expect, it } from 'vitest';
import { caCertAnswer } from '../../../../protocols/scep/ca-cert-answer.js';

describe('caCertAnswer', () => {
  it.each([
    ['ok/auto, ECDSA chain, micromdm scepclient → RA alone', 'auto', false, 'Go-http-client/1.1', 'ra-only'],
    ['ok/auto, ECDSA chain, HTTP/2 Go client → RA alone', 'auto', false, 'Go-http-client/2.0', 'ra-only'],
    ['ok/auto, ECDSA chain, certmonger (no User-Agent) → chain', 'auto', false, undefined, 'ra-chain'],
    ['ok/auto, ECDSA chain, curl → chain', 'auto', false, 'curl/8.5.0', 'ra-chain'],
    [
      'ok/auto, ECDSA chain, a name merely containing Go → chain',
      'auto',
      false,
      'MyGo-http-client/1.1',
      'ra-chain',
    ],
    [
      'ok/auto, RSA chain, scepclient can encrypt to all → chain',
      'auto',
      true,
      'Go-http-client/1.1',
      'ra-chain',
    ],
    ['ok/ra-chain is kept for every client', 'ra-chain', false, 'Go-http-client/1.1', 'ra-chain'],
    ['ok/ra-only is kept for every client', 'ra-only', true, 'curl/8.5.0', 'ra-only'],
  ] as const)('%s', (_name, format, chainIsRsa, userAgent, expected) => {
    expect(caCertAnswer(format, chainIsRsa, userAgent)).toBe(expected);
  });
});
