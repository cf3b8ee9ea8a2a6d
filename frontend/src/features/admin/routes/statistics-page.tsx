// Usage statistics: active users, sign-ins and new posts per day (30 days), documents by status, and for
// approval administrators documents per template and the average time each step takes.
import { Card, Col, Row, Spin, Statistic, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { formatDate } from '@/lib/dates';
import { useHasPermission } from '@/stores/auth-store';
import { useApprovalStatistics, useStatistics } from '../api/admin-api';
import { BarList, DailyBars } from '../components/charts';

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86400).toFixed(1)}d`;
}

export function StatisticsPage() {
  const { t } = useTranslation('admin');
  const { t: ta } = useTranslation('approval');
  const stats = useStatistics();
  const canApproval = useHasPermission('approval:admin');
  const approval = useApprovalStatistics(canApproval);
  if (stats.isError) return <ErrorState error={stats.error} onRetry={() => stats.refetch()} />;
  if (!stats.data) return <Spin className="m-8" />;
  const s = stats.data;
  const statusPoints = Object.entries(s.documents_per_status).map(([k, v]) => ({ label: ta(`status.${k}`, { defaultValue: k }), value: v }));
  const logins = s.logins_per_day.map((d) => ({ label: d.day, value: d.count }));
  const posts = s.posts_per_day.map((d) => ({ label: d.day, value: d.count }));
  return (
    <div data-testid="admin-statistics-page">
      <PageHeader title={t('statistics.title')} subtitle={t('statistics.period', { since: formatDate(s.since), until: formatDate(s.until), tz: s.timezone })} />
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card size="small"><Statistic title={t('statistics.activeUsers')} value={s.active_users} /></Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small"><Statistic title={t('statistics.logins')} value={logins.reduce((a, p) => a + p.value, 0)} suffix="/ 30d" /></Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small"><Statistic title={t('statistics.posts')} value={posts.reduce((a, p) => a + p.value, 0)} suffix="/ 30d" /></Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('statistics.logins')}><DailyBars points={logins} testId="chart-logins" /></Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('statistics.posts')}><DailyBars points={posts} color="#fa8c16" testId="chart-posts" /></Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('statistics.documents')}><BarList points={statusPoints} testId="chart-documents" /></Card>
        </Col>
        {canApproval && approval.data && (
          <Col xs={24} lg={12}>
            <Card size="small" title={t('statistics.stepTime')}>
              <Table
                size="small"
                pagination={false}
                rowKey={(r) => `${r.template}-${r.step}`}
                dataSource={approval.data.average_step_time}
                columns={[
                  { title: t('statistics.template'), dataIndex: 'template' },
                  { title: t('statistics.step'), dataIndex: 'step', render: (v: number) => v + 1 },
                  { title: t('statistics.samples'), dataIndex: 'samples' },
                  { title: t('statistics.average'), dataIndex: 'average_seconds', render: (v: number) => formatSeconds(v) },
                ]}
              />
            </Card>
          </Col>
        )}
      </Row>
    </div>
  );
}
