import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CoreError } from '../errors.js';

const version = 'v1';

/** AES-256-GCM sealing of small secrets: `v1.<iv>.<ciphertext>.<tag>` in base64url. */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.#key = key;
  }

  seal(plain: string | Buffer, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return [version, iv, body, cipher.getAuthTag()]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** `context` must equal the one given to seal: a sealed value moved to another row does not open. */
  open(sealed: string, context = ''): Buffer {
    const [v, iv, body, tag] = sealed.split('.');
    if (v !== version || !iv || body === undefined || !tag)
      throw new CoreError('invalid_input', 'Malformed sealed secret');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    } catch (cause) {
      throw new CoreError('invalid_input', 'The sealed secret does not open with this master key', { cause });
    }
  }
}
