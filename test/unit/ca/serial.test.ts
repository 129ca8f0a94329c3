import { describe, expect, it } from 'vitest';
import { generateSerialNumber, serialFromHex } from '../../../ca/local/serial.js';

describe('serial numbers', () => {
  it('are 16 octets of minimal, positive DER INTEGER content', () => {
    for (let i = 0; i < 2000; i += 1) {
      const serial = generateSerialNumber();
      expect(serial.bytes).toHaveLength(16);
      expect(serial.bytes[0]).toBeGreaterThan(0);
      expect(serial.bytes[0]).toBeLessThan(0x80);
      expect(serial.hex).toBe(Buffer.from(serial.bytes).toString('hex'));
    }
  });

  it.each([
    ['0A', '0a'],
    ['a', '0a'],
    ['00:7f', '7f'],
    ['0000ff', '00ff'],
    ['ff', '00ff'],
    ['3C:A1:00', '3ca100'],
  ])('normalize %j to %j', (input, hex) => {
    expect(serialFromHex(input).hex).toBe(hex);
  });

  it('refuse non-hex and over-long serials', () => {
    expect(() => serialFromHex('xyz')).toThrow(/invalid serial number/);
    expect(() => serialFromHex('')).toThrow(/invalid serial number/);
    expect(() => serialFromHex('7f'.repeat(21))).toThrow(/20 octets/);
  });
});
