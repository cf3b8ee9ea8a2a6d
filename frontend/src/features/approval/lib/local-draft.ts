// What the user typed into a document form, kept in this browser until the server has it, so an error,
// a lost connection or a closed tab never loses a long form.
import type { EditLine } from './line';

export interface LocalDraft {
  title: string;
  content: string;
  form_data: Record<string, unknown>;
  line: EditLine | null;
  savedAt: number;
}

const PREFIX = 'gw.approval.compose.';
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;

export function loadLocalDraft(key: string): LocalDraft | null {
  try {
    const raw = window.localStorage.getItem(PREFIX + key);
    if (!raw) return null;
    const draft = JSON.parse(raw) as LocalDraft;
    if (typeof draft.savedAt !== 'number' || Date.now() - draft.savedAt > MAX_AGE_MS) {
      window.localStorage.removeItem(PREFIX + key);
      return null;
    }
    return draft;
  } catch {
    return null;
  }
}

export function saveLocalDraft(key: string, draft: Omit<LocalDraft, 'savedAt'>): void {
  try {
    window.localStorage.setItem(PREFIX + key, JSON.stringify({ ...draft, savedAt: Date.now() }));
  } catch {
    // storage full or disabled: nothing more we can do here
  }
}

export function clearLocalDraft(key: string): void {
  try {
    window.localStorage.removeItem(PREFIX + key);
  } catch {
    // ignore
  }
}
