/**
 * The JSON text of an API answer. Binary values (Buffer, Uint8Array: a CSR's SubjectPublicKeyInfo,
 * a certificate's DER) are written as base64 strings: JSON.stringify would otherwise write a Buffer
 * as {"type":"Buffer","data":[…]} and a Uint8Array as an object keyed by index.
 */
function replacer(this: unknown, key: string, value: unknown): unknown {
  // `this[key]` is the value before Buffer#toJSON turned it into {type, data}.
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array)
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  return value;
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value, replacer) ?? 'null';
}
