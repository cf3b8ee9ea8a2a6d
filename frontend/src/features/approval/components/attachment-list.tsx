// A document's attachments: download for readers, remove for the drafter of a draft.
import { DeleteOutlined, PaperClipOutlined } from '@ant-design/icons';
import { App, Button, Empty, List } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '@/lib/error-message';
import { downloadAttachment, type AttachmentOut } from '../api/approval-api';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function AttachmentList({ items, onRemove }: { items: AttachmentOut[]; onRemove?: (a: AttachmentOut) => void }) {
  const { t } = useTranslation('approval');
  const { message } = App.useApp();
  if (!items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('doc.noAttachments')} />;
  return (
    <List
      size="small"
      dataSource={items}
      data-testid="doc-attachments"
      renderItem={(a) => (
        <List.Item
          data-testid="doc-attachment"
          actions={onRemove ? [<Button key="rm" size="small" type="text" danger icon={<DeleteOutlined />} onClick={() => onRemove(a)} data-testid="attachment-remove" />] : []}
        >
          <Button type="link" icon={<PaperClipOutlined />} className="!px-0"
            onClick={() => downloadAttachment(a).catch((e: unknown) => message.error(errorMessage(t, e)))}>
            {a.filename}
          </Button>
          <span className="text-xs text-gray-500">{formatBytes(a.size_bytes)}</span>
        </List.Item>
      )}
    />
  );
}
