import type { PortletType } from '@/stores/layout-store';
import { MyProfilePortlet } from './portlets/my-profile-portlet';
import { OrgChartPortlet } from './portlets/org-chart-portlet';
import { PendingApprovalsPortlet } from './portlets/pending-approvals-portlet';
import { PostsPortlet } from './portlets/posts-portlet';

/** The component for a portlet type. */
export function Portlet({ type, onHide }: { type: PortletType; onHide?: () => void }) {
  switch (type) {
    case 'pending-approvals':
      return <PendingApprovalsPortlet onHide={onHide} />;
    case 'recent-posts':
    case 'notices':
      return <PostsPortlet type={type} onHide={onHide} />;
    case 'org-chart':
      return <OrgChartPortlet onHide={onHide} />;
    case 'my-profile':
      return <MyProfilePortlet onHide={onHide} />;
  }
}
