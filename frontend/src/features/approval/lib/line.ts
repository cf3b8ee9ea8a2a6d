// The approval line as the drafter edits it: 결재 steps (one approver each, sequential), 합의 groups (several
// agreers with an all / any / N-of-M rule), 참조 and 수신 lists. Pure functions, shared by the line builder
// and its tests; `toLineIn` produces the API's LineIn.
import type { LineIn } from '../api/approval-api';

export interface Person {
  id: number;
  name: string;
  detail?: string | null; // department · position
}

export type Rule = 'all' | 'any' | 'n_of_m';

export interface EditStep {
  uid: string; // stable key for React lists and drag and drop
  kind: 'approval' | 'agreement';
  people: Person[];
  rule: Rule;
  required: number | null;
}

export interface EditLine {
  steps: EditStep[];
  references: Person[];
  receivers: Person[];
}

export type Role = 'approval' | 'agreement' | 'reference' | 'receiver';

let counter = 0;
export const newUid = () => `s${Date.now().toString(36)}${(counter++).toString(36)}`;

export const emptyLine = (): EditLine => ({ steps: [], references: [], receivers: [] });

/** Everyone on the line, in any role. */
export function everyone(line: EditLine): number[] {
  return [...line.steps.flatMap((s) => s.people), ...line.references, ...line.receivers].map((p) => p.id);
}

/** Adds a person in a role. A 합의 person joins the last 합의 group when it is the last step. */
export function addPerson(line: EditLine, person: Person, role: Role): EditLine {
  if (everyone(line).includes(person.id)) return line;
  if (role === 'reference') return { ...line, references: [...line.references, person] };
  if (role === 'receiver') return { ...line, receivers: [...line.receivers, person] };
  const last = line.steps[line.steps.length - 1];
  if (role === 'agreement' && last?.kind === 'agreement') {
    const steps = [...line.steps.slice(0, -1), { ...last, people: [...last.people, person] }];
    return { ...line, steps };
  }
  const step: EditStep = { uid: newUid(), kind: role, people: [person], rule: 'all', required: null };
  return { ...line, steps: [...line.steps, step] };
}

export function removePerson(line: EditLine, personId: number): EditLine {
  const steps = line.steps
    .map((s) => {
      const people = s.people.filter((p) => p.id !== personId);
      const required = s.required && s.required > people.length ? people.length || null : s.required;
      return { ...s, people, required };
    })
    .filter((s) => s.people.length > 0);
  return {
    steps,
    references: line.references.filter((p) => p.id !== personId),
    receivers: line.receivers.filter((p) => p.id !== personId),
  };
}

/** Moves the step at `from` to position `to` (drag and drop, or the arrow buttons). */
export function moveStep(line: EditLine, from: number, to: number): EditLine {
  if (from === to || from < 0 || to < 0 || from >= line.steps.length || to >= line.steps.length) return line;
  const steps = [...line.steps];
  const [moved] = steps.splice(from, 1);
  if (moved) steps.splice(to, 0, moved);
  return { ...line, steps };
}

export function setRule(line: EditLine, uid: string, rule: Rule, required: number | null = null): EditLine {
  return {
    ...line,
    steps: line.steps.map((s) =>
      s.uid === uid ? { ...s, rule, required: rule === 'n_of_m' ? Math.max(1, Math.min(required ?? 1, s.people.length)) : null } : s,
    ),
  };
}

/** Problems the server would refuse (EMPTY_LINE, DRAFTER_IN_LINE, bad N) found before sending. */
export function lineProblems(line: EditLine, drafterId: number | null): string[] {
  const problems: string[] = [];
  if (!line.steps.length) problems.push('empty');
  if (drafterId != null && line.steps.some((s) => s.people.some((p) => p.id === drafterId))) problems.push('drafterInLine');
  for (const s of line.steps) {
    if (s.kind === 'approval' && s.people.length !== 1) problems.push('approvalOne');
    if (s.rule === 'n_of_m' && (!s.required || s.required > s.people.length)) problems.push('badRequired');
  }
  if (line.steps.length > 20) problems.push('tooManySteps');
  return problems;
}

export function toLineIn(line: EditLine): LineIn {
  return {
    steps: line.steps.map((s) => ({
      kind: s.kind,
      approvers: s.people.map((p) => p.id),
      rule: s.kind === 'agreement' ? s.rule : 'all',
      required: s.kind === 'agreement' && s.rule === 'n_of_m' ? s.required : null,
    })),
    references: line.references.map((p) => p.id),
    receivers: line.receivers.map((p) => p.id),
  };
}

/** A stored LineIn back into an editable line; `people` resolves ids to names (unknown ids keep "#id"). */
export function fromLineIn(raw: Partial<LineIn> | null | undefined, people: Map<number, Person>): EditLine {
  const who = (id: number): Person => people.get(id) ?? { id, name: `#${id}` };
  return {
    steps: (raw?.steps ?? []).map((s) => ({
      uid: newUid(),
      kind: s.kind === 'agreement' ? 'agreement' : 'approval',
      people: s.approvers.map(who),
      rule: (s.rule as Rule | undefined) ?? 'all',
      required: s.required ?? null,
    })),
    references: (raw?.references ?? []).map(who),
    receivers: (raw?.receivers ?? []).map(who),
  };
}

/** All ids a stored line mentions (to look their names up). */
export function lineIds(raw: Partial<LineIn> | null | undefined): number[] {
  return [...(raw?.steps ?? []).flatMap((s) => s.approvers), ...(raw?.references ?? []), ...(raw?.receivers ?? [])];
}
