// Users: search and filter by department, create, edit (department, manager, roles, password reset,
// unlock), deactivate. Server field errors (USERNAME_TAKEN, WEAK_PASSWORD ...) land next to the field.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, Drawer, Form, Input, Popconfirm, Space, Switch, Table, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmployeeSelect } from '@/components/employee-select';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { toApiError } from '@/lib/api-error';
import { formatDateTime } from '@/lib/dates';
import { errorMessage } from '@/lib/error-message';
import { useHasPermission } from '@/stores/auth-store';
import { adminKeys, createUser, deactivateUser, updateUser, useAdminUsers, type UserDetail } from '../api/admin-api';
import { DepartmentSelect } from '../components/department-select';

const ROLES = ['user', 'dept_admin', 'system_admin'];

interface Values {
  username: string;
  name: string;
  name_en?: string;
  email?: string;
  password?: string;
  employee_number?: string;
  phone?: string;
  department_id?: number | null;
  position?: string;
  job_title?: string;
  manager_id?: number | null;
  roles: string[];
  is_active?: boolean;
  unlock?: boolean;
}

const blankToNull = (v?: string | null) => (v && v.trim() ? v.trim() : null);

/** Which form field a server error code belongs to. */
const CODE_FIELDS: Record<string, string> = {
  USERNAME_TAKEN: 'username',
  EMAIL_TAKEN: 'email',
  EMPLOYEE_NUMBER_TAKEN: 'employee_number',
  WEAK_PASSWORD: 'password',
  UNKNOWN_DEPARTMENT: 'department_id',
  UNKNOWN_MANAGER: 'manager_id',
  INVALID_MANAGER: 'manager_id',
};

function UserForm({ user, onDone }: { user: UserDetail | null; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const canRoles = useHasPermission('roles:manage');
  const initial: Values = user
    ? {
        username: user.username,
        name: user.name,
        name_en: user.name_en ?? '',
        email: user.email ?? '',
        employee_number: user.employee_number ?? '',
        phone: user.phone ?? '',
        department_id: user.department_id,
        position: user.position ?? '',
        job_title: user.job_title ?? '',
        manager_id: user.manager_id,
        roles: user.roles ?? ['user'],
        is_active: user.is_active,
      }
    : { username: '', name: '', roles: ['user'] };

  const onFinish = async (v: Values) => {
    setBusy(true);
    const common = {
      name: v.name.trim(),
      name_en: blankToNull(v.name_en),
      email: blankToNull(v.email),
      employee_number: blankToNull(v.employee_number),
      phone: blankToNull(v.phone),
      department_id: v.department_id ?? null,
      position: blankToNull(v.position),
      job_title: blankToNull(v.job_title),
      manager_id: v.manager_id ?? null,
    };
    try {
      if (user) {
        await updateUser(user.id, {
          ...common,
          ...(v.password ? { password: v.password } : {}),
          ...(canRoles ? { roles: v.roles } : {}),
          is_active: v.is_active,
          ...(v.unlock ? { unlock: true } : {}),
        });
        message.success(t('common.saved'));
      } else {
        await createUser({ ...common, username: v.username.trim(), password: v.password || null, roles: canRoles ? v.roles : ['user'], locale: 'ko' });
        message.success(t('users.created'));
      }
      onDone();
    } catch (e) {
      const err = toApiError(e);
      const field = CODE_FIELDS[err.code];
      const msg = errorMessage(t, err);
      const named = Object.keys(err.fieldErrors).filter((f) => f in initial || f === 'password');
      if (field) form.setFields([{ name: field as keyof Values, errors: [msg] }]);
      else if (named.length) form.setFields(named.map((f) => ({ name: f, errors: err.fieldErrors[f] ?? [] })) as never);
      message.error(msg);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={onFinish} disabled={busy} data-testid="user-form">
      <Form.Item name="username" label={t('users.username')} rules={[{ required: true, pattern: /^[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}$/ }]}>
        <Input disabled={!!user} autoComplete="off" data-testid="user-username" />
      </Form.Item>
      <Form.Item name="name" label={t('users.name')} rules={[{ required: true, max: 100 }]}>
        <Input data-testid="user-name" />
      </Form.Item>
      <Form.Item name="name_en" label={t('users.nameEn')} rules={[{ max: 100 }]}><Input data-testid="user-name-en" /></Form.Item>
      <Form.Item name="email" label={t('users.email')} rules={[{ type: 'email' }]}><Input data-testid="user-email" /></Form.Item>
      <Form.Item name="password" label={user ? t('users.passwordReset') : t('users.password')} rules={[{ max: 128 }]}>
        <Input.Password autoComplete="new-password" data-testid="user-password" />
      </Form.Item>
      <Space.Compact block>
        <Form.Item name="employee_number" label={t('users.employeeNumber')} className="flex-1"><Input /></Form.Item>
        <Form.Item name="phone" label={t('users.phone')} className="flex-1" rules={[{ pattern: /^[0-9+() .-]{3,32}$/ }]}><Input /></Form.Item>
      </Space.Compact>
      <Form.Item name="department_id" label={t('users.department')}>
        <DepartmentSelect testId="user-department" />
      </Form.Item>
      <Space.Compact block>
        <Form.Item name="position" label={t('users.position')} className="flex-1"><Input data-testid="user-position" /></Form.Item>
        <Form.Item name="job_title" label={t('users.jobTitle')} className="flex-1"><Input /></Form.Item>
      </Space.Compact>
      <Form.Item name="manager_id" label={t('users.manager')}>
        <EmployeeSelect excludeIds={user ? [user.id] : []} data-testid="user-manager" />
      </Form.Item>
      {canRoles && (
        <Form.Item name="roles" label={t('users.roles')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <Checkbox.Group options={ROLES.map((r) => ({ value: r, label: t(`users.roleNames.${r}`) }))} />
        </Form.Item>
      )}
      {user && (
        <Space size="large">
          <Form.Item name="is_active" label={t('users.active')} valuePropName="checked"><Switch /></Form.Item>
          {user.locked_until && (
            <Form.Item name="unlock" label={t('users.unlock')} valuePropName="checked"><Switch /></Form.Item>
          )}
        </Space>
      )}
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>{t('common.cancel')}</Button>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="user-save">{t('common.save')}</Button>
      </div>
    </Form>
  );
}

export function UsersPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [q, setQ] = useState('');
  const [departmentId, setDepartmentId] = useState<number | null>(null);
  const [editing, setEditing] = useState<UserDetail | 'new' | null>(null);
  const users = useAdminUsers({ page, q, department_id: departmentId });
  const refresh = () => qc.invalidateQueries({ queryKey: ['admin', 'users'] });

  return (
    <div data-testid="admin-users-page">
      <PageHeader
        title={t('menu.users')}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="user-add">{t('users.add')}</Button>}
      />
      <Space className="mb-3" wrap>
        <Input.Search allowClear placeholder={t('users.search')} onSearch={(v) => { setQ(v); setPage(1); }} style={{ width: 260 }} data-testid="user-search" />
        <div style={{ width: 240 }}>
          <DepartmentSelect value={departmentId} onChange={(v) => { setDepartmentId(v as number | null); setPage(1); }} placeholder={t('users.department')} />
        </div>
      </Space>
      {users.isError ? (
        <ErrorState error={users.error} onRetry={() => users.refetch()} />
      ) : (
        <Table<UserDetail>
          rowKey="id"
          size="middle"
          loading={users.isFetching}
          dataSource={users.data?.data ?? []}
          pagination={{ current: page, pageSize: 20, total: users.data?.pagination.total ?? 0, onChange: setPage, showSizeChanger: false }}
          onRow={(u) => ({ 'data-testid': `user-row-${u.username}` }) as object}
          columns={[
            { title: t('users.name'), render: (_, u) => <><strong>{u.name}</strong> <span className="text-xs text-gray-500">{u.name_en}</span></> },
            { title: t('users.username'), dataIndex: 'username' },
            { title: t('users.department'), dataIndex: 'department_name' },
            { title: t('users.position'), dataIndex: 'position' },
            {
              title: t('users.roles'),
              render: (_, u) => (u.roles ?? []).filter((r) => r !== 'user').map((r) => <Tag key={r} color="gold">{t(`users.roleNames.${r}`, { defaultValue: r })}</Tag>),
            },
            {
              title: '',
              render: (_, u) => (
                <>
                  {!u.is_active && <Tag>{t('users.inactive')}</Tag>}
                  {u.locked_until && <Tag color="red">{t('users.locked')}</Tag>}
                  {u.auth_source === 'ad' && <Tag color="blue">AD</Tag>}
                </>
              ),
            },
            { title: t('users.lastLogin'), render: (_, u) => formatDateTime(u.last_login_at) },
            {
              title: '',
              width: 170,
              render: (_, u) => (
                <Space>
                  <Button size="small" onClick={() => setEditing(u)} data-testid={`user-edit-${u.username}`}>{t('common.edit')}</Button>
                  {u.is_active && (
                    <Popconfirm title={t('users.deactivateConfirm')} onConfirm={async () => {
                      try {
                        await deactivateUser(u.id);
                        message.success(t('common.saved'));
                        await refresh();
                      } catch (e) {
                        message.error(errorMessage(t, e));
                      }
                    }}>
                      <Button size="small" danger>{t('users.deactivate')}</Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      )}
      <Drawer open={editing !== null} width={520} title={editing === 'new' ? t('users.add') : t('users.edit')} onClose={() => setEditing(null)} destroyOnHidden>
        {editing !== null && (
          <UserForm user={editing === 'new' ? null : editing} onDone={() => { setEditing(null); void refresh(); void qc.invalidateQueries({ queryKey: adminKeys.departments }); }} />
        )}
      </Drawer>
    </div>
  );
}
