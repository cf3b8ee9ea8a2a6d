// The approval area's frame: the write button, every box with its count, delegation and (for approval
// administrators) the template editor, beside the page.
import { EditOutlined } from '@ant-design/icons';
import { Badge, Button, Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { useHasPermission } from '@/stores/auth-store';
import { BOXES, useBoxCounts } from '../api/approval-api';

export function ApprovalLayout() {
  const { t } = useTranslation('approval');
  const { pathname } = useLocation();
  const counts = useBoxCounts();
  const isAdmin = useHasPermission('approval:admin');
  const selected = pathname.replace(/^\/approval\/?/, '') || 'boxes/pending';
  const items = [
    ...BOXES.map((box) => ({
      key: `boxes/${box}`,
      label: (
        <Link to={`/approval/boxes/${box}`} data-testid={`approval-box-link-${box}`} className="flex items-center justify-between">
          <span>{t(`boxes.${box}`)}</span>
          <Badge
            count={counts.data?.[box] ?? 0}
            showZero={false}
            overflowCount={999}
            color={box === 'pending' ? 'red' : 'gray'}
            data-testid={`approval-box-count-${box}`}
          />
        </Link>
      ),
    })),
    { type: 'divider' as const },
    { key: 'delegations', label: <Link to="/approval/delegations" data-testid="approval-delegations-link">{t('menu.delegations')}</Link> },
    ...(isAdmin
      ? [{ key: 'templates', label: <Link to="/approval/templates" data-testid="approval-templates-link">{t('menu.templates')}</Link> }]
      : []),
  ];
  return (
    <div className="flex flex-col gap-4 md:flex-row">
      <aside className="w-full shrink-0 md:w-56">
        <Link to="/approval/write">
          <Button type="primary" block icon={<EditOutlined />} className="mb-3" data-testid="approval-new-button">
            {t('newDocument')}
          </Button>
        </Link>
        <Menu mode="inline" selectedKeys={[selected]} items={items} className="rounded" data-testid="approval-menu" />
      </aside>
      <section className="min-w-0 flex-1">
        <Outlet />
      </section>
    </div>
  );
}
