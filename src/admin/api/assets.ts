import { z } from 'zod';
import { createAsset } from '../../core/assets/create-asset.js';
import { updateAsset } from '../../core/assets/update-asset.js';
import type { Core } from '../../core/core.js';
import { CoreError } from '../../core/errors.js';
import { registerAsset } from '../../core/registrations/register-asset.js';
import { route, type RouteSpec } from './route-table.js';
import {
  assetView,
  certificateView,
  codeView,
  idParams,
  listQuery,
  nameList,
  page,
  requestStatus,
  requestView,
} from './schemas.js';
import { certificateOut, codeOut, requestOut } from './views.js';

const fields = {
  name: z.string().min(1).max(200),
  dnsNames: nameList.optional(),
  owner: z.string().max(200).nullable().optional(),
  notifyEmail: z.email().nullable().optional(),
  attributes: z.record(z.string(), z.string().max(1000)).optional(),
};

export interface AdminUrls {
  https: string;
  http: string;
}

export function assetRoutes(core: Core, urls: AdminUrls): RouteSpec[] {
  const load = async (id: string) => {
    const asset = await core.store.assets.get(id);
    if (!asset) throw new CoreError('not_found', 'No such asset');
    return asset;
  };
  const lifecycle = (verb: 'deactivate' | 'reactivate') =>
    route({
      method: 'post',
      path: `/assets/{id}/${verb}`,
      operationId: `${verb}Asset`,
      summary:
        verb === 'deactivate' ? 'Deactivate an asset (no new requests may name it)' : 'Reactivate an asset',
      tag: 'assets',
      permission: 'assets.write',
      params: idParams,
      body: z.object({ reason: z.string().max(500).optional() }),
      response: { status: 200, schema: assetView },
      handler: ({ params, actor }) =>
        updateAsset(core, {
          assetId: params.id,
          actor,
          changes: { status: verb === 'deactivate' ? 'inactive' : 'active' },
        }),
    });
  return [
    route({
      method: 'get',
      path: '/assets',
      operationId: 'listAssets',
      summary: 'Search assets by name, DNS name or owner',
      tag: 'assets',
      permission: 'assets.read',
      query: listQuery(['createdAt', 'name']).extend({
        q: z.string().max(200).optional(),
        status: z.enum(['active', 'inactive']).optional(),
        owner: z.string().max(200).optional(),
      }),
      response: { status: 200, schema: page(assetView) },
      handler: ({ query }) => core.store.search.assets(query),
    }),
    route({
      method: 'post',
      path: '/assets',
      operationId: 'createAsset',
      summary: 'Create an asset',
      tag: 'assets',
      permission: 'assets.write',
      body: z.object(fields),
      response: { status: 201, schema: assetView },
      handler: ({ body, actor }) => createAsset(core, { ...body, actor }),
    }),
    route({
      method: 'get',
      path: '/assets/{id}',
      operationId: 'getAsset',
      summary: 'An asset with its latest certificates and requests',
      tag: 'assets',
      permission: 'assets.read',
      params: idParams,
      response: {
        status: 200,
        schema: assetView.extend({ certificates: z.array(certificateView), requests: z.array(requestView) }),
      },
      handler: async ({ params }) => {
        const asset = await load(params.id);
        const [certificates, requests] = await Promise.all([
          core.store.search.certificates({ assetId: asset.id, order: 'desc', limit: 20 }),
          core.store.search.requests({ assetId: asset.id, order: 'desc', limit: 20 }),
        ]);
        return {
          ...asset,
          certificates: certificates.items.map(certificateOut),
          requests: requests.items.map(requestOut),
        };
      },
    }),
    route({
      method: 'patch',
      path: '/assets/{id}',
      operationId: 'updateAsset',
      summary: 'Edit an asset',
      tag: 'assets',
      permission: 'assets.write',
      params: idParams,
      body: z.object(fields).partial(),
      response: { status: 200, schema: assetView },
      handler: ({ params, body, actor }) => updateAsset(core, { assetId: params.id, actor, changes: body }),
    }),
    lifecycle('deactivate'),
    lifecycle('reactivate'),
    route({
      method: 'get',
      path: '/assets/{id}/certificates',
      operationId: 'listAssetCertificates',
      summary: 'Certificates related to the asset',
      tag: 'assets',
      permission: 'assets.read',
      params: idParams,
      query: listQuery(['createdAt', 'notAfter']),
      response: { status: 200, schema: page(certificateView) },
      handler: async ({ params, query }) => {
        const p = await core.store.search.certificates({ ...query, assetId: (await load(params.id)).id });
        return { items: p.items.map(certificateOut), next: p.next };
      },
    }),
    route({
      method: 'get',
      path: '/assets/{id}/requests',
      operationId: 'listAssetRequests',
      summary: 'Requests related to the asset',
      tag: 'assets',
      permission: 'assets.read',
      params: idParams,
      query: listQuery(['createdAt', 'updatedAt']).extend({ status: requestStatus.optional() }),
      response: { status: 200, schema: page(requestView) },
      handler: async ({ params, query }) => {
        const { status, ...rest } = query;
        const p = await core.store.search.requests({
          ...rest,
          status: status ? [status] : undefined,
          assetId: (await load(params.id)).id,
        });
        return { items: p.items.map(requestOut), next: p.next };
      },
    }),
    route({
      method: 'post',
      path: '/assets/{id}/registrations',
      operationId: 'registerAsset',
      summary:
        'Register the asset for ACME (EAB key) or SCEP (challenge): creates the enrolment code and returns the URL',
      tag: 'enrollments',
      permission: 'enroll',
      params: idParams,
      body: z.object({
        protocol: z.enum(['acme', 'scep']),
        profile: z.string().min(1),
        singleUse: z.boolean().optional(),
        showable: z.boolean().optional(),
      }),
      response: {
        status: 201,
        schema: z.object({
          protocol: z.enum(['acme', 'scep']),
          code: codeView,
          directoryUrl: z.string().optional(),
          eab: z.object({ kid: z.string(), hmacKey: z.string() }).optional(),
          scepUrl: z.string().optional(),
          challenge: z.string().optional(),
        }),
      },
      handler: async ({ params, body, actor }) => {
        const reg = await registerAsset(core, { assetId: params.id, actor, ...body });
        const profile = await core.store.profiles.get(reg.code.profileId);
        const name = encodeURIComponent(profile?.name ?? '');
        const code = codeOut(reg.code, core.clock.now());
        return reg.protocol === 'acme'
          ? {
              protocol: 'acme',
              code,
              directoryUrl: `${urls.https}/acme/${name}/directory`,
              eab: { kid: reg.code.id, hmacKey: reg.secret },
            }
          : { protocol: 'scep', code, scepUrl: `${urls.http}/scep/${name}`, challenge: reg.secret };
      },
    }),
  ];
}
