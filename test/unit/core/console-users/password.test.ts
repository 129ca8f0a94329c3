import { describe, expect, it } from 'vitest';
import {
  checkPasswordPolicy,
  currentParameters,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../../../src/core/console-users/password.js';

describe('console password hashes', () => {
  it('When a password is hashed, Then the PHC string carries the scrypt parameters and a fresh salt', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    const { ln, r, p } = currentParameters;
    expect(a).toMatch(
      new RegExp(`^\\$scrypt\\$ln=${ln},r=${r},p=${p}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`),
    );
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
  });

  it('When a password is checked, Then only the same password (in any Unicode normal form) matches', async () => {
    const hash = await hashPassword('pa\u0073\u0301sword-long-enough');
    expect(await verifyPassword('pa\u0073\u0301sword-long-enough', hash)).toBe(true);
    expect(await verifyPassword('pa\u015Bsword-long-enough', hash)).toBe(true);
    expect(await verifyPassword('password-long-enough', hash)).toBe(false);
    expect(await verifyPassword('anything', 'not a phc string')).toBe(false);
  });

  it('When a hash was made with other parameters, Then it still verifies and is marked for re-hashing', async () => {
    const old = await hashPassword('an older password', { ln: 10, r: 8, p: 1 });
    expect(old).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(await verifyPassword('an older password', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('a current password'))).toBe(false);
  });

  it('When a password is too short or too long, Then it is refused naming the field', () => {
    expect(() => checkPasswordPolicy('short')).toThrow(expect.objectContaining({ code: 'invalid_input' }));
    expect(() => checkPasswordPolicy('x'.repeat(1025))).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    expect(() => checkPasswordPolicy('twelve chars')).not.toThrow();
  });
});
