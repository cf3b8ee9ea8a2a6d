import { useMemo } from 'react';
import { cleanRichText } from '../lib/rich-text';

/** A post's content: already sanitised by the server, reduced to the same subset again here. */
export function RichTextView({ html }: { html: string }) {
  const clean = useMemo(() => cleanRichText(html), [html]);
  return <div className="rich-text break-words" data-testid="post-content" dangerouslySetInnerHTML={{ __html: clean }} />;
}
