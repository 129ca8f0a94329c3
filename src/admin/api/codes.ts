import { z } from 'zod';
import { appendAudit } from '../../core/audit/audit-log.js';
import type { Core } from '../../core/core.js';
import { CoreError } from '../../core/errors.js';
import type { AdminUrls } from './assets.js';
import { route, type RouteSpec } from './route-table.js';
import { codeView, idParams, listQuery, page } from './schemas.js';
import { codeOut } from './views.js';

/** The URL a code is used at: the ACME directory or the SCEP endpoint of its profile. */
async function urlOf(
  core: Core,
  urls: AdminUrls,
  profileId: string,
  purpose: string,
): Promise<string | null> {
  const profile = await core.store.profiles.get(profileId);
  if (!profile) return null;
  const name = encodeURIComponent(profile.name);
  if (purpose === 'acme-eab') return `${urls.https}/acme/${name}/directory`;
  if (purpose === 'scep-challenge') return `${urls.http}/scep/${name}`;
  return null;
}

export function codeRoutes(core: Core, urls: AdminUrls): RouteSpec[] {
  const view = async (id: string) => {
    const code = await core.store.codes.get(id);
    if (!code) throw new CoreError('not_found', 'No such enrolment code');
    return { ...codeOut(code, core.clock.now()), url: await urlOf(core, urls, code.profileId, code.purpose) };
  };
  const action = (verb: 'reset' | 'unlock' | 'revoke', summary: string) =>
    route({
      method: 'post',
      path: `/codes/{id}/${verb}`,
      operationId: `${verb}Code`,
      summary,
      tag: 'codes',
      permission: 'codes.manage',
      params: idParams,
      body: verb === 'unlock' ? z.object({ reason: z.string().min(1).max(500) }) : z.object({}),
      response: { status: 200, schema: codeView.extend({ url: z.string().nullable() }) },
      handler: async ({ params, body, actor }) => {
        if (verb === 'reset') await core.codes.reset(params.id, actor);
        else if (verb === 'revoke') await core.codes.revoke(params.id, actor);
        else await core.codes.unlock(params.id, actor, (body as unknown as { reason: string }).reason);
        return view(params.id);
      },
    });
  return [
    route({
      method: 'get',
      path: '/codes',
      operationId: 'listCodes',
      summary: 'Enrolment codes (never their secrets)',
      tag: 'codes',
      permission: 'codes.read',
      query: listQuery(['createdAt']).extend({
        profileId: z.string().optional(),
        assetId: z.string().optional(),
        status: z.enum(['active', 'locked', 'revoked', 'used']).optional(),
        purpose: z.enum(['scep-challenge', 'acme-eab', 'self-service']).optional(),
      }),
      response: { status: 200, schema: page(codeView) },
      handler: async ({ query }) => {
        const p = await core.store.search.codes(query);
        const now = core.clock.now();
        return { items: p.items.map((c) => codeOut(c, now)), next: p.next };
      },
    }),
    route({
      method: 'get',
      path: '/codes/{id}',
      operationId: 'getCode',
      summary: 'An enrolment code and the URL it is used at',
      tag: 'codes',
      permission: 'codes.read',
      params: idParams,
      response: { status: 200, schema: codeView.extend({ url: z.string().nullable() }) },
      handler: ({ params }) => view(params.id),
    }),
    route({
      method: 'get',
      path: '/codes/{id}/secret',
      operationId: 'revealCode',
      summary: 'View the code and URL (only a code stored to be shown; others were shown once at creation)',
      tag: 'codes',
      permission: 'codes.reveal',
      params: idParams,
      response: {
        status: 200,
        schema: z.object({ id: z.string(), code: z.string(), url: z.string().nullable() }),
      },
      handler: async ({ params, actor }) => {
        const code = await view(params.id);
        const secret = await core.codes.reveal(params.id);
        await core.store.transaction(async (tx) => {
          await appendAudit(tx, core.clock, {
            actor,
            action: 'code.viewed',
            targetType: 'code',
            targetId: params.id,
          });
        });
        return { id: code.id, code: secret, url: code.url };
      },
    }),
    action('reset', 'Reset: reactivate an expired (or used) code for another period'),
    action('unlock', 'Unlock a code locked after too many failed attempts (reason required)'),
    action('revoke', 'Revoke a code'),
  ];
}
