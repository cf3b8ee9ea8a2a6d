// The organisation as a tree: departments with member counts; the viewer's own department's members come
// with the portlet, any other department's members load when it is expanded.
import { Tree, type TreeDataNode } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { fetchOrgMembers, usePortletData, type OrgChartData, type OrgMember } from '../../api/portal-api';
import { PortletFrame } from '../portlet-frame';
import type { PortletProps } from './portlet-props';

type OrgNode = OrgChartData['departments'][number];
type Loaded = Record<number, { members: OrgMember[]; total: number }>;

function memberLeaf(m: OrgMember): TreeDataNode {
  return {
    key: `u${m.id}`,
    isLeaf: true,
    title: (
      <span className="text-sm" data-testid={`org-member-${m.id}`}>
        {m.name}
        {m.position && <span className="ml-1 text-xs text-gray-500">{m.position}</span>}
        {m.is_manager && <span className="ml-1 text-xs text-blue-600">★</span>}
      </span>
    ),
  };
}

function toTree(nodes: OrgNode[], loaded: Loaded, more: (n: number) => string): TreeDataNode[] {
  return nodes.map((d) => {
    const own = loaded[d.id];
    const children = [
      ...(own?.members ?? []).map(memberLeaf),
      ...(own && own.total > own.members.length ? [{ key: `m${d.id}`, isLeaf: true, title: <span className="text-xs text-blue-600">{more(own.total)}</span> }] : []),
      ...toTree(d.children ?? [], loaded, more),
    ];
    return {
      key: `d${d.id}`,
      isLeaf: d.member_count === 0 && !(d.children ?? []).length,
      title: (
        <span data-testid={`org-dept-${d.id}`}>
          {d.name} <span className="text-xs text-gray-400">({d.member_count})</span>
        </span>
      ),
      children: own || d.member_count === 0 ? children : children.length ? children : undefined,
    };
  });
}

export function OrgChartPortlet({ onHide }: PortletProps) {
  const { t } = useTranslation('home');
  const navigate = useNavigate();
  const { data, isPending, error, refetch } = usePortletData('org-chart');
  const [loaded, setLoaded] = useState<Loaded>({});

  useEffect(() => {
    if (data?.department_id) {
      setLoaded((prev) => ({ ...prev, [data.department_id!]: { members: data.members, total: data.members.length } }));
    }
  }, [data]);

  const tree = useMemo(
    () => toTree(data?.departments ?? [], loaded, (count) => t('portlets.org-chart.allMembers', { count })),
    [data, loaded, t],
  );
  const expanded = useMemo(() => {
    const keys = (data?.departments ?? []).map((d) => `d${d.id}`);
    if (data?.department_id) keys.push(`d${data.department_id}`);
    return keys;
  }, [data]);

  const loadMembers = async (node: { key: React.Key }) => {
    const key = String(node.key);
    if (!key.startsWith('d')) return;
    const id = Number(key.slice(1));
    if (loaded[id]) return;
    const page = await fetchOrgMembers(id);
    setLoaded((prev) => ({ ...prev, [id]: page }));
  };

  return (
    <PortletFrame type="org-chart" onHide={onHide} onRefresh={() => void refetch()} isPending={isPending} error={error}>
      <Tree
        blockNode
        defaultExpandedKeys={expanded}
        treeData={tree}
        loadData={loadMembers}
        onSelect={(keys) => {
          const key = String(keys[0] ?? '');
          if (key.startsWith('u')) navigate(`/employees/${key.slice(1)}`);
          if (key.startsWith('d') || key.startsWith('m')) navigate(`/employees?dept=${key.slice(1)}`);
        }}
      />
    </PortletFrame>
  );
}
