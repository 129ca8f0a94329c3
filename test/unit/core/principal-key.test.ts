import { describe, expect, it } from 'vitest';
import { principalKey, samePrincipal } from '../../../src/core/principals/principal-key.js';

describe('principal names', () => {
  it.each([
    ['same/case', 'Alice', 'alice'],
    ['same/full-width letters', 'ａｌｉｃｅ', 'alice'],
    ['same/full-width capitals', 'ＡＬＩＣＥ', 'alice'],
    ['same/ligature', 'ﬁona', 'fiona'],
    ['same/sharp s', 'Straße', 'STRASSE'],
    ['same/zero-width space', 'ali\u200Bce', 'alice'],
    ['same/composed and decomposed', 'Jos\u00E9', 'jose\u0301'],
    ['same/final sigma', 'ΟΔΥΣΣΕΥΣ', 'οδυσσευς'],
  ])('%s', (_, a, b) => {
    expect(samePrincipal(a, b)).toBe(true);
    expect(principalKey(a)).toBe(principalKey(b));
  });

  it.each([
    ['different/another name', 'alice', 'alicia'],
    ['different/a letter with a dot is not its plain form', 'İsa', 'isa'],
    ['different/Cyrillic look-alike', 'аlice', 'alice'],
  ])('%s', (_, a, b) => {
    expect(samePrincipal(a, b)).toBe(false);
  });
});
