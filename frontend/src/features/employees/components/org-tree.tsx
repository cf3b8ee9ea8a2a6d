// The organisation as a tree (member counts per department); picking one shows its members.
import { ApartmentOutlined } from '@ant-design/icons';
import { Skeleton, Tree, type TreeDataNode } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import { useOrgTree, type Department } from '../api/employees-api';

function toNodes(departments: Department[]): TreeDataNode[] {
  return departments.map((d) => ({
    key: d.id,
    title: (
      <span data-testid={`org-node-${d.id}`}>
        {d.name} <span className="text-xs text-gray-400">({d.member_count})</span>
      </span>
    ),
    icon: <ApartmentOutlined />,
    children: toNodes(d.children ?? []),
  }));
}

export function OrgTree({ selected, onSelect }: { selected: number | null; onSelect: (id: number | null) => void }) {
  const { t } = useTranslation('employees');
  const { data, isPending, error, refetch } = useOrgTree();
  const nodes = useMemo(() => toNodes(data ?? []), [data]);
  if (isPending) return <Skeleton active paragraph={{ rows: 6 }} />;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} compact />;
  if (!nodes.length) return <div className="text-sm text-gray-500">{t('noDepartments')}</div>;
  return (
    <Tree
      showIcon
      blockNode
      defaultExpandAll
      selectedKeys={selected ? [selected] : []}
      onSelect={(keys) => onSelect(keys.length ? Number(keys[0]) : null)}
      treeData={nodes}
      data-testid="org-tree"
    />
  );
}
