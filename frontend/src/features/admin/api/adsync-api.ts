// AD sync endpoints (/api/v1/ad-sync). The bind password only ever goes to the server: the config read
// answers `bind_password_set`, and a save without `bind_password` keeps the stored one.
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '@/lib/api-client';
import type { Schema } from '@/types/api-helpers';

export type OUMapping = Schema<'OUMapping'>;
export type ADConfigOut = Schema<'ADSyncConfigOut'>;
export type ADConfigIn = Schema<'ADSyncConfigIn'>;
export type ADTestResult = Schema<'ADTestResult'>;
export type ADSyncLog = Schema<'ADSyncLogOut'>;
export type ADSyncStatus = Schema<'ADSyncStatus'>;

export const MAPPABLE_FIELDS = ['username', 'name', 'name_en', 'email', 'phone', 'position', 'job_title', 'employee_number', 'manager'] as const;

export const adsyncKeys = {
  config: ['admin', 'adsync', 'config'] as const,
  status: ['admin', 'adsync', 'status'] as const,
  logs: (page: number) => ['admin', 'adsync', 'logs', page] as const,
};

export function useADConfig() {
  return useQuery({ queryKey: adsyncKeys.config, queryFn: () => unwrap<ADConfigOut>(api.get('/ad-sync/config')) });
}

/** `watch`: poll even while idle (just after "run now", before the run has opened its log row). */
export function useADStatus(watch = false) {
  return useQuery({
    queryKey: adsyncKeys.status,
    queryFn: () => unwrap<ADSyncStatus>(api.get('/ad-sync/status')),
    // Poll while a sync runs, so its progress moves on screen.
    refetchInterval: (q) => (watch || q.state.data?.state === 'running' ? 2000 : false),
  });
}

export function useADLogs(page: number) {
  return useQuery({
    queryKey: adsyncKeys.logs(page),
    queryFn: () => unwrapPage<ADSyncLog>(api.get('/ad-sync/logs', { params: { page, limit: 10, sort: 'sync_started_at', order: 'desc' } })),
  });
}

export const saveADConfig = (body: ADConfigIn) => unwrap<ADConfigOut>(api.put('/ad-sync/config', body));
export const testAD = (config: ADConfigIn | null) =>
  unwrap<ADTestResult>(api.post('/ad-sync/test', config ? { config } : {}));
export const runAD = (mode: 'full' | 'incremental') =>
  unwrap<{ workflow_id: string; mode: string }>(api.post('/ad-sync/run', { mode }));
