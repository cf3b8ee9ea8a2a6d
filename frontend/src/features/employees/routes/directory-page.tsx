// The employee directory: org tree on the left, people on the right; the search box narrows as one types
// (names, 초성, English names, email, phone tails). State lives in the URL so it survives reload and back.
import { Card, Col, Empty, Input, Pagination, Row, Skeleton } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { useDebouncedValue } from '@/hooks/use-debounced-value';
import { flattenDepartments, useDirectory, useOrgTree } from '../api/employees-api';
import { OrgTree } from '../components/org-tree';
import { ProfileCard } from '../components/profile-card';

const PAGE_SIZE = 24;

export function DirectoryPage() {
  const { t } = useTranslation('employees');
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebouncedValue(text.trim(), 250).slice(0, 100);
  const departmentId = Number(params.get('dept')) || null;
  const page = Math.max(1, Number(params.get('page')) || 1);
  const { data: tree } = useOrgTree();
  const departments = useMemo(() => flattenDepartments(tree ?? []), [tree]);

  useEffect(() => {
    const current = params.get('q') ?? '';
    if (current === q) return;
    const next = new URLSearchParams(params);
    if (q) next.set('q', q);
    else next.delete('q');
    next.delete('page');
    setParams(next, { replace: true });
  }, [q, params, setParams]);

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };

  const { data, isPending, isFetching, error, refetch } = useDirectory({ q, departmentId, page, limit: PAGE_SIZE });
  const title = departmentId ? departments.get(departmentId)?.name : null;

  return (
    <div data-testid="directory-page">
      <PageHeader title={t('title')} subtitle={title ? t('membersOf', { name: title }) : undefined} />
      <Row gutter={16}>
        <Col xs={24} md={7} lg={6}>
          <Card size="small" title={t('orgChart')} className="mb-4">
            <OrgTree selected={departmentId} onSelect={(id) => update({ dept: id ? String(id) : null, page: null })} />
          </Card>
        </Col>
        <Col xs={24} md={17} lg={18}>
          <Input.Search
            className="mb-4"
            allowClear
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('searchPlaceholder')}
            loading={isFetching && !!q}
            data-testid="directory-search"
          />
          {isPending ? (
            <Skeleton active paragraph={{ rows: 8 }} />
          ) : error ? (
            <ErrorState error={error} onRetry={() => void refetch()} />
          ) : !data.data.length ? (
            <Empty description={q ? t('noMatches', { q }) : t('noMembers')} />
          ) : (
            <>
              <Row gutter={[12, 12]} data-testid="directory-results">
                {data.data.map((e) => (
                  <Col key={e.id} xs={24} sm={12} xl={8}>
                    <ProfileCard employee={e} />
                  </Col>
                ))}
              </Row>
              <div className="mt-4 flex justify-end">
                <Pagination
                  current={page}
                  pageSize={PAGE_SIZE}
                  total={data.pagination.total}
                  showSizeChanger={false}
                  onChange={(p) => update({ page: p > 1 ? String(p) : null })}
                  showTotal={(total) => t('total', { count: total })}
                />
              </div>
            </>
          )}
        </Col>
      </Row>
    </div>
  );
}
