// Boards: create and edit (type, department, who may read and write by role or department, order, active).
import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, InputNumber, Modal, Select, Switch, Table, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { errorMessage } from '@/lib/error-message';
import { adminKeys, createBoard, updateBoard, useBoards, type Board } from '../api/admin-api';
import { DepartmentSelect } from '../components/department-select';

const ROLE_OPTIONS = ['user', 'dept_admin', 'system_admin'];

interface Values {
  name: string;
  description?: string;
  type: 'notice' | 'general' | 'department';
  department_id?: number | null;
  read_roles: string[];
  read_departments: number[];
  write_roles: string[];
  write_departments: number[];
  sort_order: number;
  is_active: boolean;
}

const ids = (list: (string | number)[] | undefined) => (list ?? []).filter((x): x is number => typeof x === 'number');
const names = (list: (string | number)[] | undefined) => (list ?? []).filter((x): x is string => typeof x === 'string');

function BoardForm({ board, onDone }: { board: Board | null; onDone: () => void }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const type = Form.useWatch('type', form);
  const initial: Values = {
    name: board?.name ?? '',
    description: board?.description ?? '',
    type: (board?.type as Values['type']) ?? 'general',
    department_id: board?.department_id ?? null,
    read_roles: names(board?.read_permission.roles),
    read_departments: ids(board?.read_permission.departments),
    write_roles: names(board?.write_permission.roles),
    write_departments: ids(board?.write_permission.departments),
    sort_order: board?.sort_order ?? 0,
    is_active: board?.is_active ?? true,
  };
  const onFinish = async (v: Values) => {
    setBusy(true);
    const read_permission = { roles: v.read_roles ?? [], departments: v.read_departments ?? [] };
    const write_permission = { roles: v.write_roles ?? [], departments: v.write_departments ?? [] };
    try {
      if (board) {
        await updateBoard(board.id, { name: v.name.trim(), description: v.description || null, read_permission, write_permission, sort_order: v.sort_order, is_active: v.is_active });
      } else {
        await createBoard({ name: v.name.trim(), description: v.description || null, type: v.type, department_id: v.department_id ?? null, read_permission, write_permission, sort_order: v.sort_order });
      }
      message.success(board ? t('common.saved') : t('boards.created'));
      onDone();
    } catch (e) {
      message.error(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };
  const roleOptions = ROLE_OPTIONS.map((r) => ({ value: r, label: t(`users.roleNames.${r}`) }));
  return (
    <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={onFinish} disabled={busy} data-testid="board-form">
      <Form.Item name="name" label={t('boards.name')} rules={[{ required: true, whitespace: true, max: 100 }]}><Input data-testid="board-name" /></Form.Item>
      <Form.Item name="description" label={t('boards.description')}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
      <Form.Item name="type" label={t('boards.type')}>
        <Select disabled={!!board} options={(['general', 'notice', 'department'] as const).map((k) => ({ value: k, label: t(`boards.types.${k}`) }))} data-testid="board-type" />
      </Form.Item>
      {type === 'department' && (
        <Form.Item name="department_id" label={t('boards.department')} rules={[{ required: true }]}>
          <DepartmentSelect />
        </Form.Item>
      )}
      <Form.Item name="read_roles" label={t('boards.readRoles')} extra={t('boards.everyone')}><Select mode="multiple" options={roleOptions} /></Form.Item>
      <Form.Item name="read_departments" label={t('boards.readDepartments')}><DepartmentSelect multiple /></Form.Item>
      <Form.Item name="write_roles" label={t('boards.writeRoles')}><Select mode="multiple" options={roleOptions} /></Form.Item>
      <Form.Item name="write_departments" label={t('boards.writeDepartments')}><DepartmentSelect multiple /></Form.Item>
      <div className="flex gap-6">
        <Form.Item name="sort_order" label={t('boards.sortOrder')}><InputNumber min={0} max={100000} /></Form.Item>
        {board && <Form.Item name="is_active" label={t('boards.active')} valuePropName="checked"><Switch /></Form.Item>}
      </div>
      <div className="flex justify-end gap-2">
        <Button onClick={onDone}>{t('common.cancel')}</Button>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="board-save">{t('common.save')}</Button>
      </div>
    </Form>
  );
}

export function BoardsPage() {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const boards = useBoards();
  const [editing, setEditing] = useState<Board | 'new' | null>(null);
  if (boards.isError) return <ErrorState error={boards.error} onRetry={() => boards.refetch()} />;
  const done = () => { setEditing(null); void qc.invalidateQueries({ queryKey: adminKeys.boards }); void qc.invalidateQueries({ queryKey: ['board'] }); };
  return (
    <div data-testid="admin-boards-page">
      <PageHeader title={t('menu.boards')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="board-add">{t('boards.add')}</Button>} />
      <Table<Board>
        rowKey="id"
        size="middle"
        loading={boards.isLoading}
        dataSource={boards.data ?? []}
        pagination={false}
        columns={[
          { title: t('boards.name'), dataIndex: 'name' },
          { title: t('boards.type'), dataIndex: 'type', render: (v: string) => <Tag>{t(`boards.types.${v}`, { defaultValue: v })}</Tag> },
          { title: t('boards.description'), dataIndex: 'description' },
          { title: t('boards.sortOrder'), dataIndex: 'sort_order', width: 100 },
          { title: t('boards.active'), dataIndex: 'is_active', width: 80, render: (v: boolean) => (v ? t('common.yes') : t('common.no')) },
          { title: '', width: 90, render: (_, b) => <Button size="small" onClick={() => setEditing(b)} data-testid={`board-edit-${b.id}`}>{t('common.edit')}</Button> },
        ]}
      />
      <Modal open={editing !== null} title={editing === 'new' ? t('boards.add') : t('boards.edit')} footer={null} onCancel={() => setEditing(null)} destroyOnHidden width={640}>
        {editing !== null && <BoardForm board={editing === 'new' ? null : editing} onDone={done} />}
      </Modal>
    </div>
  );
}
