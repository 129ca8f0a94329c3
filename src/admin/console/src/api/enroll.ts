/** The calls of the Enroll page: profiles and assets to start from, P10 and P12 enrolment, the one P12 download. */
import { api, call } from './client.js';
import type { operations } from './schema.js';
import type { Profile } from './types.js';
import { listProfiles } from './requests.js';

type Json<
  O extends keyof operations,
  S extends keyof operations[O]['responses'],
> = operations[O]['responses'][S] extends { content: { 'application/json': infer T } } ? T : never;

export type Asset = Json<'listAssets', 200>['items'][number];
export type EnrollmentResult = Json<'enrollP10', 201>;
export type P10Body = NonNullable<operations['enrollP10']['requestBody']>['content']['application/json'];
export type P12Body = NonNullable<operations['enrollP12']['requestBody']>['content']['application/json'];
export type P12Download = Json<'downloadP12', 200>;

/** Only an active profile takes enrolments. */
export const listActiveProfiles = async (): Promise<Profile[]> =>
  (await listProfiles()).filter((p) => p.status === 'active');

export const listActiveAssets = async (): Promise<Asset[]> =>
  (
    await call(
      api.GET('/assets', { params: { query: { status: 'active', limit: 500, sort: 'name', order: 'asc' } } }),
    )
  ).items;

export const enrollP10 = (body: P10Body): Promise<EnrollmentResult> =>
  call(api.POST('/enrollments/p10', { body }));

export const enrollP12 = (body: P12Body): Promise<EnrollmentResult> =>
  call(api.POST('/enrollments/p12', { body }));

export const downloadP12 = (id: string): Promise<P12Download> =>
  call(api.POST('/requests/{id}/p12', { params: { path: { id } } }));

export const confirmInstallation = (id: string) =>
  call(api.POST('/requests/{id}/confirm-installation', { params: { path: { id } } }));
