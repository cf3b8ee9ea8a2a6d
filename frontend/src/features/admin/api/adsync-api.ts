// AD sync endpoints (/api/v1/ad-sync). The bind password only ever goes to the server: the config read
// answers `bind_password_set`, and a save without `bind_password` keeps the stored one.
// Shapes follow portal/adsync/schemas.py (not yet in the generated api.d.ts).
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '@/lib/api-client';

export interface OUMapping {
  mirror_tree: boolean;
  rules: Record<string, string>;
}

export interface ADConfigOut {
  configured: boolean;
  server_url: string | null;
  port: number | null;
  use_ldaps: boolean;
  use_starttls: boolean;
  ca_certificate: string | null;
  tls_server_name: string | null;
  bind_dn: string | null;
  bind_password_set: boolean;
  base_dns: string[];
  user_filter: string;
  sync_schedule: string | null;
  is_enabled: boolean;
  attribute_mapping: Record<string, string>;
  ou_mapping: OUMapping;
  group_mapping: Record<string, string>;
  highest_committed_usn: number | null;
  updated_at: string | null;
}

export interface ADConfigIn {
  server_url: string;
  port: number | null;
  use_ldaps: boolean;
  use_starttls: boolean;
  ca_certificate: string | null;
  tls_server_name: string | null;
  bind_dn: string;
  /** Omitted: keep the stored password. */
  bind_password?: string;
  base_dns: string[];
  user_filter: string;
  sync_schedule: string | null;
  is_enabled: boolean;
  attribute_mapping: Record<string, string>;
  ou_mapping: OUMapping;
  group_mapping: Record<string, string>;
}

export interface ADTestResult {
  ok: boolean;
  stage: 'config' | 'connect' | 'tls' | 'bind' | 'base_dn' | 'read' | 'done';
  code: string | null;
  message: string;
  elapsed_ms: number;
  highest_committed_usn: number | null;
}

export interface ADSyncLog {
  id: number;
  status: string;
  mode: string;
  trigger: string;
  workflow_id: string | null;
  sync_started_at: string;
  sync_completed_at: string | null;
  synced_count: number;
  created_count: number;
  updated_count: number;
  deactivated_count: number;
  unchanged_count: number;
  error_count: number;
  error_details: unknown[];
  progress: Record<string, unknown>;
}

export interface ADSyncStatus {
  state: 'running' | 'idle' | 'not_configured';
  running: ADSyncLog | null;
  last_result: ADSyncLog | null;
  schedule: string | null;
  schedule_enabled: boolean;
  next_run_at: string | null;
  schedule_id: string | null;
  temporal_ui_url: string | null;
}

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
