// Names for user ids (a stored line holds ids only): one cached GET /users/{id} per person.
import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api, unwrap } from '@/lib/api-client';
import type { Person } from '../lib/line';
import type { UserOut } from './approval-api';

export function usePeople(ids: number[]): { people: Map<number, Person>; loading: boolean } {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  const results = useQueries({
    queries: unique.map((id) => ({
      queryKey: ['approval', 'person', id],
      queryFn: () => unwrap<UserOut>(api.get(`/users/${id}`)),
      staleTime: 10 * 60_000,
    })),
  });
  const loading = results.some((r) => r.isLoading);
  const key = results.map((r) => r.data?.id ?? 0).join(',');
  const people = useMemo(() => {
    const map = new Map<number, Person>();
    for (const r of results) {
      const u = r.data;
      if (u) map.set(u.id, { id: u.id, name: u.name, detail: [u.department_name, u.position].filter(Boolean).join(' · ') });
    }
    return map;
  }, [key]);
  return { people, loading };
}
