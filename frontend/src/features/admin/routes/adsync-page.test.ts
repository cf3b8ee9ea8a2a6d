import { describe, expect, it } from 'vitest';
import type { ADConfigOut } from '../api/adsync-api';
import { toConfigIn, toValues } from './adsync-page';

const stored: ADConfigOut = {
  configured: true, server_url: 'ldaps://dc1.corp.example.com', port: 636, use_ldaps: true, use_starttls: false,
  ca_certificate: null, tls_server_name: null, bind_dn: 'CN=svc,DC=corp,DC=example,DC=com', bind_password_set: true,
  base_dns: ['OU=Staff,DC=corp,DC=example,DC=com', 'OU=Ext,DC=corp,DC=example,DC=com'],
  user_filter: '(objectClass=user)', sync_schedule: '*/30 * * * *', is_enabled: true,
  attribute_mapping: { username: 'sAMAccountName', name: 'displayName|cn' }, ou_mapping: { mirror_tree: true, rules: {} },
  group_mapping: { 'CN=Admins,DC=corp,DC=example,DC=com': 'system_admin' }, highest_committed_usn: 10, updated_at: null,
};

describe('AD sync form', () => {
  it('never puts the stored password in the form, and a save without one keeps it', () => {
    const values = toValues(stored);
    expect(values.bind_password).toBe('');
    const body = toConfigIn(values, {});
    expect('bind_password' in body).toBe(false);
    expect(body.base_dns).toHaveLength(2);
    expect(body.group_mapping).toEqual({ 'CN=Admins,DC=corp,DC=example,DC=com': 'system_admin' });
    expect(body).toMatchObject({ use_ldaps: true, use_starttls: false, sync_schedule: '*/30 * * * *' });
  });

  it('sends a newly typed password, and StartTLS as the only transport when chosen', () => {
    const body = toConfigIn({ ...toValues(stored), bind_password: 'n3w-Secret', transport: 'starttls', sync_schedule: ' ' }, {});
    expect(body.bind_password).toBe('n3w-Secret');
    expect(body).toMatchObject({ use_ldaps: false, use_starttls: true, sync_schedule: null });
  });
});
