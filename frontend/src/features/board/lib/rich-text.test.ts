// The editor's output must survive the server's sanitiser unchanged: same tag and attribute lists as
// portal/board/sanitize.py (read from the file, so a change there fails here), and nothing unsafe.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_ATTRIBUTES, ALLOWED_TAGS, cleanRichText, isBlankRichText, isSafeUrl } from './rich-text';

const sanitizer = readFileSync(resolve(__dirname, '../../../../../portal/board/sanitize.py'), 'utf8');

function pythonSet(block: string): string[] {
  return [...block.matchAll(/"([a-z0-9]+)"/g)].map((m) => m[1]!).sort();
}

describe('rich text subset', () => {
  it('allows exactly the tags the server keeps', () => {
    const block = /TAGS = \{([\s\S]*?)\}/.exec(sanitizer)?.[1] ?? '';
    expect(pythonSet(block)).toEqual([...ALLOWED_TAGS].sort());
  });

  it('allows exactly the attributes the server keeps', () => {
    const block = /ATTRIBUTES = \{([\s\S]*?)\n\}/.exec(sanitizer)?.[1] ?? '';
    const server: Record<string, string[]> = {};
    for (const m of block.matchAll(/"([a-z0-9]+)": \{([^}]*)\}/g)) server[m[1]!] = pythonSet(m[2]!);
    const client = Object.fromEntries(Object.entries(ALLOWED_ATTRIBUTES).map(([k, v]) => [k, [...v].sort()]));
    expect(client).toEqual(server);
  });

  it('keeps formatting the editor produces and renames what browsers emit', () => {
    expect(cleanRichText('<div>a <b>b</b> <strike>c</strike> <font color="red">d</font></div>')).toBe(
      '<p>a <b>b</b> <s>c</s> <span>d</span></p>',
    );
    expect(cleanRichText('<ol start="3"><li>x</li></ol><h2>t</h2><blockquote>q</blockquote>')).toBe(
      '<ol start="3"><li>x</li></ol><h2>t</h2><blockquote>q</blockquote>',
    );
  });

  it('removes scripts, handlers, styles and unsafe links', () => {
    const dirty =
      '<p onclick="x()" style="color:red">hi<script>alert(1)</script></p>' +
      '<a href="javascript:alert(1)">j</a><a href="java\tscript:alert(1)">k</a>' +
      '<a href="https://example.com" target="_blank">ok</a><img src="data:image/png;base64,AAA" onerror="x()">' +
      '<iframe src="https://evil"></iframe><!-- note -->';
    const clean = cleanRichText(dirty);
    expect(clean).toBe(
      '<p>hi</p><a>j</a><a>k</a><a href="https://example.com" rel="noopener noreferrer nofollow">ok</a><img>',
    );
  });

  it('cleaning twice changes nothing (what is sent is what is stored)', () => {
    const once = cleanRichText('<div><b>x</b><a href="mailto:a@b.c">m</a><table><tbody><tr><td colspan="2">c</td></tr></tbody></table></div>');
    expect(cleanRichText(once)).toBe(once);
  });

  it('knows blank text and safe URLs', () => {
    expect(isBlankRichText('<p> </p><p><br></p>')).toBe(true);
    expect(isBlankRichText('<p><img src="/a.png"></p>')).toBe(false);
    expect(isSafeUrl('/relative')).toBe(true);
    expect(isSafeUrl('MAILTO:a@b.c')).toBe(true);
    expect(isSafeUrl(' javascript:x')).toBe(false);
    expect(isSafeUrl('vbscript:x')).toBe(false);
  });
});
