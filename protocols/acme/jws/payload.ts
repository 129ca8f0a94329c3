import { nulProblem } from '../../../src/http/input-guard.js';
import { problem } from '../problems.js';
import type { JwsRule } from './rule.js';

function decode(payload: string): unknown {
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw problem.malformed('The JWS payload is not base64url JSON');
  }
}

/** §6.3: reads are POST-as-GET, whose payload is exactly the empty string. */
export const postAsGet: JwsRule = (ctx) => {
  if (ctx.jws?.payload !== '')
    throw problem.malformed('This resource is read with POST-as-GET: the payload must be empty');
  ctx.payload = undefined;
};

/** Actions carry a JSON object payload, without U+0000 in any string (no store can hold it). */
export const jsonPayload: JwsRule = (ctx) => {
  const value = decode(ctx.jws?.payload ?? '');
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw problem.malformed('The JWS payload must be a JSON object');
  const nul = nulProblem(value, 'payload');
  if (nul) throw problem.malformed(nul.message);
  ctx.payload = value;
};

/** Resources that are both read (POST-as-GET) and acted on (an update object). */
export const optionalPayload: JwsRule = (ctx) => {
  if (ctx.jws?.payload === '') {
    ctx.payload = undefined;
    return;
  }
  jsonPayload(ctx, undefined as never);
};
