/**
 * When two principal names are one person. Token subjects are free text typed by admins, so "Alice",
 * "alice" and the full-width "ａｌｉｃｅ" may name the same user under different tokens; the
 * no-self-approval rule and the count of distinct approvers compare this key, never the raw names.
 */

/**
 * An approximation of Unicode's NFKC_Casefold (UAX #44, DerivedNormalizationProps): compatibility
 * normalisation, default-ignorable characters (zero-width spaces and joiners…) removed, then full
 * case folding (upper then lower case folds "ß" to "ss" and a final sigma to "σ", as CaseFolding.txt
 * does), normalised again since folding can leave a string unnormalised.
 */
export function principalKey(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\p{Default_Ignorable_Code_Point}/gu, '')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKC');
}

export function samePrincipal(a: string, b: string): boolean {
  return principalKey(a) === principalKey(b);
}
