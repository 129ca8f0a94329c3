/** The profiles, loaded once per page, for names in tables and the profile filter. */
import { listProfiles } from '../api/requests.js';
import type { Profile } from '../api/types.js';
import { useResource, type Resource } from './use-resource.js';

export function useProfiles(): Resource<Profile[]> {
  return useResource(listProfiles, []);
}

export function profileName(profiles: Profile[] | undefined, id: string): string {
  return profiles?.find((p) => p.id === id)?.name ?? id;
}
