/**
 * How given settings become a profile's settings, for every caller (admin API, CLI, first start):
 * one merge and one set of invariants, so that the same JSON makes the same profile everywhere.
 */
import { CoreError } from '../errors.js';
import { suffixSyntaxProblem } from '../policy/domain-policy.js';
import type { ProfileSettings } from './profile.js';

type Group<T> = T extends readonly unknown[] ? T : T extends object ? Partial<T> : T;

/** A settings change: any setting may be left out, and any group (keyPolicy, approval, scep, …) may be partial. */
export type ProfileSettingsPatch = { [K in keyof ProfileSettings]?: Group<ProfileSettings[K]> };

const isGroup = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `patch` over `base` (the defaults for a new profile, the profile itself for an edit): a group given
 * is merged key by key onto the base's group, so `{"approval":{"required":true}}` keeps the base's
 * approvers and pendingTtlHours; lists and single values replace.
 */
export function mergeProfileSettings(base: ProfileSettings, patch: ProfileSettingsPatch): ProfileSettings {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = merged[key];
    merged[key] = isGroup(value) && isGroup(current) ? { ...current, ...value } : value;
  }
  return merged as unknown as ProfileSettings;
}

/** The invariants of a profile's settings that hold whoever sets them; throws invalid_input naming the path. */
export function assertProfileSettings(settings: ProfileSettings): void {
  const { allowedSuffixes, allowWildcards } = settings.domainPolicy;
  allowedSuffixes.forEach((suffix, i) => {
    const problem = suffixSyntaxProblem(suffix, allowWildcards);
    if (!problem) return;
    const path = `settings.domainPolicy.allowedSuffixes.${i}`;
    throw new CoreError('invalid_input', `${path}: ${problem}`, {
      details: { issues: [{ path, message: problem }] },
    });
  });
}

/** Both steps, as createProfile and updateProfile apply them. */
export function settingsFrom(base: ProfileSettings, patch: ProfileSettingsPatch = {}): ProfileSettings {
  const settings = mergeProfileSettings(base, patch);
  assertProfileSettings(settings);
  return settings;
}
