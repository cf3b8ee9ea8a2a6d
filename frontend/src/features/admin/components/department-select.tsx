// Picking a department from the tree (users, boards, parents).
import { TreeSelect } from 'antd';
import type { Department } from '../api/admin-api';
import { useDepartmentTree } from '../api/admin-api';

interface Node {
  value: number;
  title: string;
  disabled?: boolean;
  children: Node[];
}

function toNodes(depts: Department[], exclude?: number): Node[] {
  return depts
    .filter((d) => d.id !== exclude)
    .map((d) => ({ value: d.id, title: d.name, children: toNodes(d.children ?? [], exclude) }));
}

export function DepartmentSelect({ value, onChange, exclude, placeholder, testId, multiple }: {
  value?: number | number[] | null;
  onChange?: (v: number | number[] | null) => void;
  /** A department (and so its subtree) that may not be chosen, e.g. itself as its own parent. */
  exclude?: number;
  placeholder?: string;
  testId?: string;
  multiple?: boolean;
}) {
  const tree = useDepartmentTree();
  return (
    <TreeSelect
      allowClear
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandAll
      multiple={multiple}
      value={value ?? undefined}
      onChange={(v) => onChange?.((v as number | number[] | undefined) ?? null)}
      treeData={toNodes(tree.data ?? [], exclude)}
      placeholder={placeholder}
      loading={tree.isLoading}
      data-testid={testId}
      className="w-full"
    />
  );
}
