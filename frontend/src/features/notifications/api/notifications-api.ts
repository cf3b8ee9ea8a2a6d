import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import type { Schema } from '@/types/api-helpers';

export type Notification = Schema<'NotificationOut'>;
export type NotificationPage = Schema<'NotificationPage'>;

export const notificationKeys = { list: ['notifications', 'list'] as const };

export async function fetchNotifications(limit = 10): Promise<NotificationPage> {
  return (await api.get<NotificationPage>('/notifications', { params: { limit, page: 1 } })).data;
}

/** The latest notifications and the unread count, polled every minute. */
export function useNotifications() {
  return useQuery({
    queryKey: notificationKeys.list,
    queryFn: () => fetchNotifications(10),
    refetchInterval: 60_000,
    staleTime: 15_000,
  });
}

/** Marks some (or, without ids, all) notifications read. */
export function useMarkRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (ids?: number[]) => (await api.post('/notifications/read', ids ? { ids } : {})).data,
    onSuccess: () => client.invalidateQueries({ queryKey: notificationKeys.list }),
  });
}
