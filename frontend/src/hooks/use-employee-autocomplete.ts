// Employee type-ahead on GET /search/autocomplete: names, 초성 (ㄱㅁㅅ), English names; the server ranks.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import { useDebouncedValue } from '@/hooks/use-debounced-value';
import type { EmployeeHit } from '@/types/api-helpers';

export function fetchAutocomplete(q: string, limit = 8): Promise<EmployeeHit[]> {
  return unwrap(api.get('/search/autocomplete', { params: { q, limit } }));
}

export function useEmployeeAutocomplete(text: string, limit = 8) {
  const q = useDebouncedValue(text.trim(), 200).slice(0, 100);
  return useQuery({
    queryKey: ['search', 'autocomplete', q, limit],
    queryFn: () => fetchAutocomplete(q, limit),
    enabled: q.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
