/** The profiles, loaded once per page, for names in tables and the profile filter. */
import { listProfiles } from '../api/requests';
import type { Profile } from '../api/types';
import { useResource, type Resource } from './use-resource';

export function useProfiles(): Resource<Profile[]> {
  return useResource(listProfiles, []);
}

export function profileName(profiles: Profile[] | undefined, id: string): string {
  return profiles?.find((p) => p.id === id)?.name ?? id;
}
