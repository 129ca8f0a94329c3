import { z } from 'zod';
import type { Core } from '../../core/core.js';
import { resolveProfile } from '../../core/enrollment/submit.js';
import { updateProfile } from '../../core/profiles/update-profile.js';
import type { Profile } from '../../core/profiles/profile.js';
import { route, type RouteSpec } from './route-table.js';
import { idParams, listQuery, page, profileSettingsInput, profileView, protocol } from './schemas.js';

const createBody = z
  .object({
    name: z.string().min(1).max(63),
    status: z.enum(['draft', 'active']).optional(),
    settings: profileSettingsInput.optional(),
  })
  .strict();
const patchBody = z
  .object({
    name: z.string().min(1).max(63).optional(),
    settings: profileSettingsInput,
  })
  .strict();

/** A route's `{id}` is a profile id or name, as everywhere else. */
const load = (core: Core, id: string) => resolveProfile(core.store, id);

export function profileRoutes(core: Core): RouteSpec[] {
  const status = (to: 'active' | 'disabled', verb: string) =>
    route({
      method: 'post',
      path: `/profiles/{id}/${verb}`,
      operationId: `${verb}Profile`,
      summary: `${verb === 'activate' ? 'Activate' : 'Disable'} a profile (only active profiles enrol)`,
      tag: 'profiles',
      permission: 'profiles.write',
      params: idParams,
      response: { status: 200, schema: profileView },
      handler: async ({ params, actor }) =>
        core.setProfileStatus({ profileId: (await load(core, params.id)).id, status: to, actor }),
    });
  return [
    route({
      method: 'get',
      path: '/profiles',
      operationId: 'listProfiles',
      summary: 'Search certificate profiles',
      tag: 'profiles',
      permission: 'profiles.read',
      query: listQuery(['createdAt', 'name']).extend({
        q: z.string().max(200).optional(),
        status: z.enum(['draft', 'active', 'disabled']).optional(),
        protocol: protocol.optional(),
      }),
      response: { status: 200, schema: page(profileView) },
      handler: ({ query }) => core.store.search.profiles(query),
    }),
    route({
      method: 'post',
      path: '/profiles',
      operationId: 'createProfile',
      summary: 'Create a profile (draft unless status is active)',
      tag: 'profiles',
      permission: 'profiles.write',
      body: createBody,
      response: { status: 201, schema: profileView },
      handler: ({ body, actor }) =>
        core.createProfile({
          name: body.name,
          status: body.status,
          settings: body.settings,
          actor,
        }),
    }),
    route({
      method: 'get',
      path: '/profiles/{id}',
      operationId: 'getProfile',
      summary: 'A profile by id or name',
      tag: 'profiles',
      permission: 'profiles.read',
      params: idParams,
      response: { status: 200, schema: profileView },
      handler: ({ params }) => load(core, params.id),
    }),
    route({
      method: 'patch',
      path: '/profiles/{id}',
      operationId: 'updateProfile',
      summary: 'Edit a profile: each settings group given is merged key by key onto the profile',
      tag: 'profiles',
      permission: 'profiles.write',
      params: idParams,
      body: patchBody,
      response: { status: 200, schema: profileView },
      handler: async ({ params, body, actor }) => {
        const profile: Profile = await load(core, params.id);
        return updateProfile(core, {
          profileId: profile.id,
          actor,
          name: body.name,
          settings: body.settings,
        });
      },
    }),
    status('active', 'activate'),
    status('disabled', 'disable'),
  ];
}
