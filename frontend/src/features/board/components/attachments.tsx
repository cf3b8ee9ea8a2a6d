import { DeleteOutlined, DownloadOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, List, Upload, message } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '@/lib/error-message';
import { downloadAttachment, type Attachment } from '../api/board-api';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A post's files; downloading goes through the API client so the access token is sent. */
export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const { t } = useTranslation(['board', 'common']);
  if (!attachments.length) return null;
  return (
    <List
      size="small"
      bordered
      header={
        <span>
          <PaperClipOutlined /> {t('board:attachments.title', { count: attachments.length })}
        </span>
      }
      dataSource={attachments}
      data-testid="attachment-list"
      renderItem={(a) => (
        <List.Item
          actions={[
            <Button
              key="download"
              type="link"
              size="small"
              icon={<DownloadOutlined />}
              onClick={() => downloadAttachment(a).catch((e: unknown) => void message.error(errorMessage(t, e)))}
              data-testid={`attachment-download-${a.id}`}
            >
              {t('board:attachments.download')}
            </Button>,
          ]}
        >
          <span className="truncate">{a.filename}</span>
          <span className="ml-2 text-xs text-gray-500">{formatBytes(a.size_bytes)}</span>
        </List.Item>
      )}
    />
  );
}

/** Files chosen for upload; they are sent once the post is saved. */
export function AttachmentPicker({ files, onChange }: { files: File[]; onChange: (files: File[]) => void }) {
  const { t } = useTranslation('board');
  return (
    <div data-testid="attachment-picker">
      <Upload
        multiple
        showUploadList={false}
        beforeUpload={(file) => {
          onChange([...files, file]);
          return false;
        }}
      >
        <Button icon={<UploadOutlined />} data-testid="attachment-add">
          {t('attachments.add')}
        </Button>
      </Upload>
      {files.length > 0 && (
        <List
          size="small"
          className="mt-2"
          dataSource={files}
          renderItem={(f, n) => (
            <List.Item
              actions={[
                <Button
                  key="remove"
                  type="text"
                  size="small"
                  icon={<DeleteOutlined />}
                  aria-label={t('attachments.remove')}
                  onClick={() => onChange(files.filter((_f, i) => i !== n))}
                />,
              ]}
            >
              <span className="truncate">{f.name}</span>
              <span className="ml-2 text-xs text-gray-500">{formatBytes(f.size)}</span>
            </List.Item>
          )}
        />
      )}
    </div>
  );
}
