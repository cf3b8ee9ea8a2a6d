// Building the approval line: an org-chart picker (department tree → members, or a name/초성 search) adds
// people as 결재, 합의, 참조 or 수신; steps are reordered by dragging (or the arrow buttons), 합의 groups
// take an all / any / N-of-M rule.
import { ArrowDownOutlined, ArrowUpOutlined, CloseOutlined, HolderOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, InputNumber, List, Select, Space, Spin, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmployeeSelect, employeeLabel } from '@/components/employee-select';
import { useDepartmentMembers, useDepartments, type Department } from '../api/approval-api';
import {
  addPerson,
  everyone,
  lineProblems,
  moveStep,
  removePerson,
  setRule,
  type EditLine,
  type Person,
  type Role,
  type Rule,
} from '../lib/line';

const ROLES: Role[] = ['approval', 'agreement', 'reference', 'receiver'];
const KIND_COLORS: Record<string, string> = { approval: 'blue', agreement: 'purple', reference: 'cyan', receiver: 'green' };

function toTree(depts: Department[]): DataNode[] {
  return depts.map((d) => ({
    key: d.id,
    title: (
      <span data-testid="line-dept-node" data-dept={d.code ?? d.id}>
        {d.name} <span className="text-xs text-gray-400">({d.member_count})</span>
      </span>
    ),
    children: toTree(d.children ?? []),
  }));
}

function allKeys(depts: Department[]): number[] {
  return depts.flatMap((d) => [d.id, ...allKeys(d.children ?? [])]);
}

function RoleButtons({ person, onAdd, disabled, testKey }: { person: Person; onAdd: (p: Person, r: Role) => void; disabled: boolean; testKey: string }) {
  const { t } = useTranslation('approval');
  return (
    <Space size={4} wrap>
      {ROLES.map((role) => (
        <Button
          key={role}
          size="small"
          disabled={disabled}
          onClick={() => onAdd(person, role)}
          data-testid={`line-add-${role}-${testKey}`}
        >
          {t(`kinds.${role}`)}
        </Button>
      ))}
    </Space>
  );
}

function OrgPicker({ line, drafterId, onAdd }: { line: EditLine; drafterId: number | null; onAdd: (p: Person, r: Role) => void }) {
  const { t } = useTranslation('approval');
  const departments = useDepartments();
  const [deptId, setDeptId] = useState<number | null>(null);
  const members = useDepartmentMembers(deptId);
  const [found, setFound] = useState<Person | null>(null);
  const onLine = new Set(everyone(line));
  const treeData = useMemo(() => toTree(departments.data ?? []), [departments.data]);
  const expanded = useMemo(() => allKeys(departments.data ?? []), [departments.data]);

  return (
    <Card size="small" title={t('line.picker')} data-testid="line-picker">
      <div className="mb-3 flex flex-col gap-2">
        <EmployeeSelect
          className="w-full"
          placeholder={t('line.search')}
          excludeIds={drafterId ? [drafterId] : []}
          value={found?.id ?? null}
          onChange={(_id, e) => setFound(e ? { id: e.id, name: e.name, detail: employeeLabel({ ...e, name: '' }) } : null)}
          data-testid="line-search"
        />
        {found && (
          <RoleButtons person={found} disabled={onLine.has(found.id)} testKey="search" onAdd={(p, r) => { onAdd(p, r); setFound(null); }} />
        )}
      </div>
      <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
        <div className="max-h-80 overflow-auto">
          {departments.isLoading ? (
            <Spin />
          ) : (
            <Tree
              treeData={treeData}
              expandedKeys={expanded}
              selectedKeys={deptId ? [deptId] : []}
              onSelect={(keys) => setDeptId((keys[0] as number | undefined) ?? null)}
              blockNode
              data-testid="line-dept-tree"
            />
          )}
        </div>
        <div className="max-h-80 overflow-auto">
          {deptId == null ? null : members.isLoading ? (
            <Spin />
          ) : (
            <List
              size="small"
              dataSource={(members.data?.data ?? []).filter((u) => u.id !== drafterId)}
              locale={{ emptyText: t('line.none') }}
              renderItem={(u) => {
                const person: Person = { id: u.id, name: u.name, detail: [u.department_name, u.position].filter(Boolean).join(' · ') };
                return (
                  <List.Item data-testid={`line-member-${u.username}`} className="flex-col !items-start gap-1">
                    <span>
                      <strong>{u.name}</strong> <span className="text-xs text-gray-500">{u.position}</span>
                    </span>
                    <RoleButtons person={person} disabled={onLine.has(u.id)} testKey={u.username} onAdd={onAdd} />
                  </List.Item>
                );
              }}
            />
          )}
        </div>
      </div>
    </Card>
  );
}

function StepRow({ line, index, onChange, dragFrom, setDragFrom }: {
  line: EditLine;
  index: number;
  onChange: (l: EditLine) => void;
  dragFrom: number | null;
  setDragFrom: (i: number | null) => void;
}) {
  const { t } = useTranslation('approval');
  const step = line.steps[index]!;
  return (
    <div
      draggable
      onDragStart={(e) => {
        setDragFrom(index);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        if (dragFrom != null) onChange(moveStep(line, dragFrom, index));
        setDragFrom(null);
      }}
      onDragEnd={() => setDragFrom(null)}
      className={`flex flex-wrap items-center gap-2 rounded border border-solid border-gray-200 bg-white px-2 py-1 ${dragFrom === index ? 'opacity-50' : ''}`}
      data-testid={`line-step-${index}`}
      data-kind={step.kind}
    >
      <HolderOutlined className="cursor-move text-gray-400" />
      <span className="w-5 text-right text-gray-500">{index + 1}</span>
      <Tag color={KIND_COLORS[step.kind]}>{t(`kinds.${step.kind}`)}</Tag>
      <span className="flex flex-1 flex-wrap gap-1">
        {step.people.map((p) => (
          <Tag key={p.id} closable onClose={() => onChange(removePerson(line, p.id))} data-testid={`line-person-${p.id}`}>
            {p.name}
            {p.detail ? <span className="ml-1 text-xs text-gray-400">{p.detail}</span> : null}
          </Tag>
        ))}
      </span>
      {step.kind === 'agreement' && (
        <Space size={4}>
          <Select<Rule>
            size="small"
            value={step.rule}
            style={{ width: 130 }}
            onChange={(rule) => onChange(setRule(line, step.uid, rule, step.required))}
            options={(['all', 'any', 'n_of_m'] as Rule[]).map((r) => ({ value: r, label: t(`rules.${r}`) }))}
            data-testid={`line-step-rule-${index}`}
          />
          {step.rule === 'n_of_m' && (
            <InputNumber
              size="small"
              min={1}
              max={step.people.length}
              value={step.required ?? 1}
              onChange={(n) => onChange(setRule(line, step.uid, 'n_of_m', n ?? 1))}
              addonBefore={t('line.required')}
              data-testid={`line-step-required-${index}`}
            />
          )}
        </Space>
      )}
      <Space size={0}>
        <Button size="small" type="text" icon={<ArrowUpOutlined />} aria-label={t('line.moveUp')} disabled={index === 0}
          onClick={() => onChange(moveStep(line, index, index - 1))} data-testid={`line-step-up-${index}`} />
        <Button size="small" type="text" icon={<ArrowDownOutlined />} aria-label={t('line.moveDown')}
          disabled={index === line.steps.length - 1} onClick={() => onChange(moveStep(line, index, index + 1))}
          data-testid={`line-step-down-${index}`} />
      </Space>
    </div>
  );
}

function PeopleTags({ people, line, onChange, testId }: { people: Person[]; line: EditLine; onChange: (l: EditLine) => void; testId: string }) {
  const { t } = useTranslation('approval');
  if (!people.length) return <span className="text-gray-400">{t('line.none')}</span>;
  return (
    <span className="flex flex-wrap gap-1" data-testid={testId}>
      {people.map((p) => (
        <Tag key={p.id} closable closeIcon={<CloseOutlined />} onClose={() => onChange(removePerson(line, p.id))}>
          {p.name}
        </Tag>
      ))}
    </span>
  );
}

export interface LineBuilderProps {
  line: EditLine;
  onChange: (line: EditLine) => void;
  drafterId: number | null;
  showProblems?: boolean;
}

export function LineBuilder({ line, onChange, drafterId, showProblems = false }: LineBuilderProps) {
  const { t } = useTranslation('approval');
  const [dragFrom, setDragFrom] = useState<number | null>(null);
  const add = (person: Person, role: Role) => onChange(addPerson(line, person, role));
  const problems = lineProblems(line, drafterId);
  return (
    <div className="grid grid-cols-1 gap-4 xl:grid-cols-2" data-testid="line-builder">
      <OrgPicker line={line} drafterId={drafterId} onAdd={add} />
      <Card size="small" title={t('line.steps')} extra={<Typography.Text type="secondary" className="text-xs">{t('line.dragHint')}</Typography.Text>}>
        {line.steps.length ? (
          <div className="flex flex-col gap-2" data-testid="line-steps">
            {line.steps.map((s, i) => (
              <StepRow key={s.uid} line={line} index={i} onChange={onChange} dragFrom={dragFrom} setDragFrom={setDragFrom} />
            ))}
          </div>
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('line.empty')} />
        )}
        <div className="mt-3 flex flex-col gap-2">
          <div className="flex gap-2">
            <strong className="w-16 shrink-0">{t('line.references')}</strong>
            <PeopleTags people={line.references} line={line} onChange={onChange} testId="line-references" />
          </div>
          <div className="flex gap-2">
            <strong className="w-16 shrink-0">{t('line.receivers')}</strong>
            <PeopleTags people={line.receivers} line={line} onChange={onChange} testId="line-receivers" />
          </div>
        </div>
        {showProblems && problems.length > 0 && (
          <Alert className="mt-3" type="error" showIcon data-testid="line-problems"
            message={problems.map((p) => t(`line.problems.${p}`)).join(' ')} />
        )}
      </Card>
    </div>
  );
}
