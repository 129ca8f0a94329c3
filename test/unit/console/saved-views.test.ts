import { describe, expect, it } from 'vitest';
import {
  builtInViews,
  emptyFilter,
  loadUserViews,
  saveUserViews,
  toQuery,
} from '../../../src/admin/console/src/enrollments/saved-views.js';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
}

describe('saved views of the enrollments table', () => {
  it('When "Waiting for me" is picked, Then the API is asked for pending requests the caller may decide', () => {
    const view = builtInViews.find((v) => v.name === 'Waiting for me');
    expect(toQuery(view?.filter ?? emptyFilter, 25, undefined)).toEqual({
      limit: 25,
      sort: 'createdAt',
      order: 'asc',
      status: 'pending',
      waitingFor: 'me',
    });
  });

  it('When a filter has several statuses, text and a cursor, Then they become the API query', () => {
    const filter = {
      ...emptyFilter,
      statuses: ['rejected', 'expired'] as const,
      text: ' web ',
      protocol: 'acme' as const,
    };
    expect(toQuery({ ...filter, statuses: [...filter.statuses] }, 50, 'c1')).toMatchObject({
      status: 'rejected,expired',
      q: 'web',
      protocol: 'acme',
      cursor: 'c1',
      limit: 50,
    });
  });

  it('When a user view is saved, Then it loads back and the built-in views are never stored', () => {
    const storage = memoryStorage();
    const mine = {
      id: 'user-1',
      name: 'ACME pending',
      builtIn: false,
      filter: { ...emptyFilter, protocol: 'acme' as const },
    };
    saveUserViews([...builtInViews, mine], storage);
    expect(loadUserViews(storage)).toEqual([mine]);
  });

  it('When the stored views are not valid JSON or not views, Then none are loaded and nothing throws', () => {
    const storage = memoryStorage();
    storage.setItem('egw.console.views', '{not json');
    expect(loadUserViews(storage)).toEqual([]);
    storage.setItem('egw.console.views', JSON.stringify([{ id: 1 }, { id: 'x', name: 'x', filter: null }]));
    expect(loadUserViews(storage)).toEqual([]);
  });
});
