// A light rich-text editor (contentEditable + the browser's editing commands, no editor library) whose
// output is reduced to the tags the server keeps (lib/rich-text.ts) on every change and on paste.
import {
  BoldOutlined,
  ItalicOutlined,
  LinkOutlined,
  OrderedListOutlined,
  StrikethroughOutlined,
  UnderlineOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { Button, Divider, Tooltip } from 'antd';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { cleanRichText, isSafeUrl } from '../lib/rich-text';

export interface RichTextEditorProps {
  value?: string;
  onChange?: (html: string) => void;
  placeholder?: string;
  'aria-invalid'?: boolean;
}

interface Tool {
  key: string;
  icon: ReactNode;
  run: () => void;
}

function exec(command: string, arg?: string): void {
  document.execCommand(command, false, arg);
}

export function RichTextEditor({ value = '', onChange, placeholder, ...rest }: RichTextEditorProps) {
  const { t } = useTranslation('board');
  const ref = useRef<HTMLDivElement>(null);
  const lastEmitted = useRef<string | null>(null);

  // Outside changes (a loaded post, a restored draft) replace the content; our own echoes do not, so the
  // caret stays where the user is typing.
  useEffect(() => {
    const el = ref.current;
    if (!el || value === lastEmitted.current) return;
    el.innerHTML = cleanRichText(value);
    lastEmitted.current = value;
  }, [value]);

  const emit = () => {
    const el = ref.current;
    if (!el) return;
    const html = cleanRichText(el.innerHTML);
    lastEmitted.current = html;
    onChange?.(html);
  };

  const run = (fn: () => void) => () => {
    ref.current?.focus();
    fn();
    emit();
  };

  const tools: Tool[] = [
    { key: 'bold', icon: <BoldOutlined />, run: () => exec('bold') },
    { key: 'italic', icon: <ItalicOutlined />, run: () => exec('italic') },
    { key: 'underline', icon: <UnderlineOutlined />, run: () => exec('underline') },
    { key: 'strike', icon: <StrikethroughOutlined />, run: () => exec('strikeThrough') },
    { key: 'heading', icon: <span className="font-semibold">H2</span>, run: () => exec('formatBlock', '<h2>') },
    { key: 'subheading', icon: <span className="font-semibold">H3</span>, run: () => exec('formatBlock', '<h3>') },
    { key: 'paragraph', icon: <span>¶</span>, run: () => exec('formatBlock', '<p>') },
    { key: 'bullets', icon: <UnorderedListOutlined />, run: () => exec('insertUnorderedList') },
    { key: 'numbers', icon: <OrderedListOutlined />, run: () => exec('insertOrderedList') },
    { key: 'quote', icon: <span className="font-serif">“</span>, run: () => exec('formatBlock', '<blockquote>') },
    { key: 'code', icon: <span className="font-mono text-xs">{'</>'}</span>, run: () => exec('formatBlock', '<pre>') },
    {
      key: 'link',
      icon: <LinkOutlined />,
      run: () => {
        const url = window.prompt(t('editor.linkPrompt'), 'https://');
        if (url && isSafeUrl(url) && /^(https?:|mailto:)/i.test(url.trim())) exec('createLink', url.trim());
      },
    },
  ];

  return (
    <div className="rounded-md border border-solid border-gray-300 bg-white focus-within:border-blue-500" data-testid="post-editor">
      <div className="flex flex-wrap items-center gap-0.5 border-0 border-b border-solid border-gray-200 px-1 py-1" role="toolbar">
        {tools.map((tool, n) => (
          <span key={tool.key} className="flex items-center">
            {(n === 4 || n === 7 || n === 11) && <Divider type="vertical" />}
            <Tooltip title={t(`editor.${tool.key}`)}>
              <Button
                type="text"
                size="small"
                icon={tool.icon}
                aria-label={t(`editor.${tool.key}`)}
                onMouseDown={(e) => e.preventDefault()}
                onClick={run(tool.run)}
                data-testid={`editor-${tool.key}`}
              />
            </Tooltip>
          </span>
        ))}
      </div>
      <div
        ref={ref}
        role="textbox"
        aria-multiline="true"
        aria-label={placeholder ?? t('editor.label')}
        aria-invalid={rest['aria-invalid']}
        contentEditable
        suppressContentEditableWarning
        className="rich-text min-h-[240px] px-3 py-2 outline-none empty:before:text-gray-400 empty:before:content-[attr(data-placeholder)]"
        data-placeholder={placeholder ?? t('editor.placeholder')}
        data-testid="post-editor-content"
        onInput={emit}
        onBlur={emit}
        onPaste={(e) => {
          e.preventDefault();
          const html = e.clipboardData.getData('text/html');
          const text = e.clipboardData.getData('text/plain');
          if (html) exec('insertHTML', cleanRichText(html));
          else exec('insertText', text);
          emit();
        }}
      />
    </div>
  );
}
