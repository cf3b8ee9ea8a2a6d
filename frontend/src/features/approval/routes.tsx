// The approval area's route table, mounted by the app router under "/approval/*" (paths are relative).
// Notifications and emails link to "documents/:documentId".
import { Navigate, type RouteObject } from 'react-router-dom';
import { lazyNamed } from '@/components/lazy-page';
import { ApprovalLayout } from './routes/approval-layout';

const BoxPage = lazyNamed(() => import('./routes/box-page'), 'BoxPage');
const DocumentPage = lazyNamed(() => import('./routes/document-page'), 'DocumentPage');
const TemplatePickerPage = lazyNamed(() => import('./routes/compose-page'), 'TemplatePickerPage');
const NewDocumentPage = lazyNamed(() => import('./routes/compose-page'), 'NewDocumentPage');
const EditDocumentPage = lazyNamed(() => import('./routes/compose-page'), 'EditDocumentPage');
const DelegationsPage = lazyNamed(() => import('./routes/delegations-page'), 'DelegationsPage');
const TemplatesPage = lazyNamed(() => import('./routes/templates-page'), 'TemplatesPage');

export const approvalRoutes: RouteObject[] = [
  {
    element: <ApprovalLayout />,
    children: [
      { index: true, element: <Navigate to="boxes/pending" replace /> },
      { path: 'boxes/:box', element: <BoxPage /> },
      { path: 'write', element: <TemplatePickerPage /> },
      { path: 'write/:templateCode', element: <NewDocumentPage /> },
      { path: 'documents/:documentId', element: <DocumentPage /> },
      { path: 'documents/:documentId/edit', element: <EditDocumentPage /> },
      { path: 'delegations', element: <DelegationsPage /> },
      { path: 'templates', element: <TemplatesPage /> },
    ],
  },
];
