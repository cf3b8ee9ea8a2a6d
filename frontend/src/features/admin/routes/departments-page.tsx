// Departments as a tree: drag a department onto another to move it (the server refuses cycles), select one
// to rename it, change its code, head and order, add a sub-department or delete an empty one.
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Form, Input, InputNumber, Popconfirm, Space, Spin, Tree } from 'antd';
import type { DataNode, TreeProps } from 'antd/es/tree';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmployeeSelect } from '@/components/employee-select';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { toApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import {
  adminKeys,
  createDepartment,
  deleteDepartment,
  flattenDepartments,
  updateDepartment,
  useDepartmentTree,
  type Department,
} from '../api/admin-api';
import { DepartmentSelect } from '../components/department-select';

interface Values {
  name: string;
  code?: string;
  parent_id?: number | null;
  manager_id?: number | null;
  sort_order?: number;
}

function toTree(depts: Department[]): DataNode[] {
  return depts.map((d) => ({
    key: d.id,
    title: (
      <span data-testid={`dept-node-${d.code ?? d.id}`} data-name={d.name}>
        {d.name} <span className="text-xs text-gray-400">{d.manager_name ? `· ${d.manager_name} ` : ''}({d.member_count})</span>
      </span>
    ),
    children: toTree(d.children ?? []),
  }));
}

function DepartmentForm({ dept, parentId, onDone }: { dept: Department | null; parentId: number | null; onDone: (id?: number) => void }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    form.setFieldsValue(
      dept
        ? { name: dept.name, code: dept.code ?? '', parent_id: dept.parent_id, manager_id: dept.manager_id, sort_order: dept.sort_order }
        : { name: '', code: '', parent_id: parentId, manager_id: null, sort_order: 0 },
    );
  }, [dept, parentId, form]);

  const onFinish = async (v: Values) => {
    setBusy(true);
    const body = { name: v.name.trim(), code: v.code?.trim() || null, manager_id: v.manager_id ?? null, sort_order: v.sort_order ?? 0 };
    try {
      if (dept) {
        const parentChanged = (v.parent_id ?? null) !== dept.parent_id;
        await updateDepartment(dept.id, { ...body, ...(parentChanged ? { parent_id: v.parent_id ?? null } : {}) });
        message.success(t('common.saved'));
        onDone(dept.id);
      } else {
        const created = await createDepartment({ ...body, parent_id: v.parent_id ?? null });
        message.success(t('departments.created'));
        onDone(created.id);
      }
    } catch (e) {
      const err = toApiError(e);
      if (err.code === 'DEPARTMENT_CODE_TAKEN') form.setFields([{ name: 'code', errors: [errorMessage(t, err)] }]);
      if (err.code === 'ORG_CYCLE') form.setFields([{ name: 'parent_id', errors: [errorMessage(t, err)] }]);
      message.error(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<Values> form={form} layout="vertical" onFinish={onFinish} disabled={busy} data-testid="department-form">
      <Form.Item name="name" label={t('departments.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
        <Input data-testid="department-name" />
      </Form.Item>
      <Form.Item name="code" label={t('departments.code')} rules={[{ pattern: /^[A-Za-z0-9_-]{1,50}$/ }]}>
        <Input data-testid="department-code" />
      </Form.Item>
      <Form.Item name="parent_id" label={t('departments.parent')}>
        <DepartmentSelect exclude={dept?.id} placeholder={t('departments.root')} testId="department-parent" />
      </Form.Item>
      <Form.Item name="manager_id" label={t('departments.manager')}>
        <EmployeeSelect data-testid="department-manager" />
      </Form.Item>
      <Form.Item name="sort_order" label={t('departments.sortOrder')}>
        <InputNumber min={0} max={100000} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="department-save">{t('common.save')}</Button>
    </Form>
  );
}

export function DepartmentsPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const tree = useDepartmentTree();
  const [selected, setSelected] = useState<number | 'new' | null>(null);
  const [newParent, setNewParent] = useState<number | null>(null);
  const flat = useMemo(() => flattenDepartments(tree.data ?? []), [tree.data]);
  const dept = typeof selected === 'number' ? (flat.find((f) => f.dept.id === selected)?.dept ?? null) : null;
  const refresh = () => qc.invalidateQueries({ queryKey: adminKeys.departments });

  const onDrop: TreeProps['onDrop'] = async (info) => {
    const dragged = Number(info.dragNode.key);
    const target = Number(info.node.key);
    const targetDept = flat.find((f) => f.dept.id === target)?.dept;
    // Dropped onto a node: becomes its child; dropped beside one: becomes its sibling.
    const parent = info.dropToGap ? (targetDept?.parent_id ?? null) : target;
    try {
      await updateDepartment(dragged, { parent_id: parent });
      message.success(t('departments.moved'));
      await refresh();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  if (tree.isError) return <ErrorState error={tree.error} onRetry={() => tree.refetch()} />;
  return (
    <div data-testid="admin-departments-page">
      <PageHeader
        title={t('menu.departments')}
        subtitle={t('departments.dragHint')}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => { setNewParent(null); setSelected('new'); }} data-testid="department-add">{t('departments.add')}</Button>}
      />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card size="small">
          {tree.isLoading ? (
            <Spin />
          ) : (
            <Tree
              draggable
              blockNode
              defaultExpandAll
              treeData={toTree(tree.data ?? [])}
              selectedKeys={typeof selected === 'number' ? [selected] : []}
              onSelect={(keys) => setSelected((keys[0] as number | undefined) ?? null)}
              onDrop={onDrop}
              data-testid="department-tree"
            />
          )}
        </Card>
        <Card
          size="small"
          title={selected === 'new' ? t('departments.add') : dept?.name}
          extra={dept && (
            <Space>
              <Button size="small" icon={<PlusOutlined />} onClick={() => { setNewParent(dept.id); setSelected('new'); }} data-testid="department-add-child">
                {t('departments.addChild')}
              </Button>
              <Popconfirm title={t('departments.deleteConfirm')} onConfirm={async () => {
                try {
                  await deleteDepartment(dept.id);
                  message.success(t('common.deleted'));
                  setSelected(null);
                  await refresh();
                } catch (e) {
                  message.error(errorMessage(t, e));
                }
              }}>
                <Button size="small" danger data-testid="department-delete">{t('common.delete')}</Button>
              </Popconfirm>
            </Space>
          )}
        >
          {selected === null ? (
            <Empty description={t('departments.select')} />
          ) : (
            <DepartmentForm
              key={String(selected)}
              dept={dept}
              parentId={newParent}
              onDone={(id) => { void refresh(); if (id) setSelected(id); }}
            />
          )}
        </Card>
      </div>
    </div>
  );
}
