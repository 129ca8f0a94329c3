/**
 * Profile settings through the admin API: a misspelt key is refused and named, a partial group is
 * merged onto the defaults (create) or onto the profile (edit), and allowed suffixes are domain names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultProfileSettings } from '../../../src/core/profiles/profile.js';
import { dialects } from '../../helpers/db.js';
import { adminHarness, type AdminHarness } from './harness.js';

describe.each(dialects)('profile settings (%s)', (dialect) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
  });
  afterAll(() => h.cleanup());

  const create = (body: object) => h.api.post('/api/v1/profiles').set(h.as('root')).send(body);
  const patch = (name: string, body: object) =>
    h.api.patch(`/api/v1/profiles/${name}`).set(h.as('root')).send(body);

  it('When a settings key is misspelt, Then 400 invalid_input names its path and no profile is created', async () => {
    const res = await create({ name: 'typo', settings: { aproval: { required: true } } }).expect(400);
    expect(res.body).toMatchObject({
      code: 'invalid_input',
      message: 'body.settings.aproval: Unknown key',
      details: { issues: [{ path: 'body.settings.aproval', message: 'Unknown key' }] },
    });
    await h.api.get('/api/v1/profiles/typo').set(h.as('root')).expect(404);
  });

  it('When a key inside a group or beside settings is unknown, Then each is named', async () => {
    const res = await create({
      name: 'typo2',
      setting: {},
      settings: { approval: { requried: true }, domainPolicy: { allowWildcard: false } },
    }).expect(400);
    expect(res.body.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.setting',
      'body.settings.approval.requried',
      'body.settings.domainPolicy.allowWildcard',
    ]);
  });

  it('When a group is given in part, Then create merges it onto the defaults and an edit onto the profile', async () => {
    const defaults = defaultProfileSettings();
    const created = await create({ name: 'gated', settings: { approval: { required: true } } }).expect(201);
    expect(created.body.approval).toEqual({ ...defaults.approval, required: true });
    const edited = await patch('gated', { settings: { approval: { approvers: 2 } } }).expect(200);
    expect(edited.body.approval).toEqual({ ...defaults.approval, required: true, approvers: 2 });
    const stored = await h.store.profiles.getByName('gated');
    expect(stored?.approval).toEqual(edited.body.approval);
  });

  it('When an allowed suffix is not a domain name, Then 400 invalid_input names it; A-labels and allowed wildcards pass', async () => {
    const policy = (allowedSuffixes: string[], allowWildcards = false) => ({
      domainPolicy: { allowedSuffixes, allowWildcards, allowIpAddresses: false },
    });
    const bad = await create({ name: 'suffix', settings: policy(['corp.example', 'corp..example']) }).expect(
      400,
    );
    expect(bad.body).toMatchObject({
      code: 'invalid_input',
      message: 'settings.domainPolicy.allowedSuffixes.1: "corp..example" has an empty label',
    });
    const wildcard = await create({ name: 'suffix', settings: policy(['*.corp.example']) }).expect(400);
    expect(wildcard.body.message).toContain('does not allow wildcards');
    await create({ name: 'suffix', settings: policy(['bücher.example']) }).expect(400);
    const ok = await create({
      name: 'suffix',
      settings: policy(['xn--bcher-kva.example', '*.corp.example'], true),
    }).expect(201);
    expect(ok.body.domainPolicy.allowedSuffixes).toEqual(['xn--bcher-kva.example', '*.corp.example']);
    const edit = await patch('suffix', { settings: { domainPolicy: { allowWildcards: false } } }).expect(400);
    expect(edit.body.message).toMatch(
      /^settings\.domainPolicy\.allowedSuffixes\.1: .* does not allow wildcards/,
    );
  });
});
