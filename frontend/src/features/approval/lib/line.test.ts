import { describe, expect, it } from 'vitest';
import { addPerson, emptyLine, fromLineIn, lineProblems, moveStep, removePerson, setRule, toLineIn } from './line';

const kim = { id: 1, name: '김팀장' };
const lee = { id: 2, name: '이본부장' };
const park = { id: 3, name: '박재무' };
const choi = { id: 4, name: '최인사' };
const han = { id: 5, name: '한참조' };

describe('approval line editing', () => {
  it('adds 결재 steps in order, groups consecutive 합의 people, and keeps 참조/수신 apart', () => {
    let line = addPerson(emptyLine(), kim, 'approval');
    line = addPerson(line, park, 'agreement');
    line = addPerson(line, choi, 'agreement');
    line = addPerson(line, lee, 'approval');
    line = addPerson(line, han, 'reference');
    expect(line.steps.map((s) => [s.kind, s.people.map((p) => p.id)])).toEqual([
      ['approval', [1]],
      ['agreement', [3, 4]],
      ['approval', [2]],
    ]);
    expect(toLineIn(line)).toEqual({
      steps: [
        { kind: 'approval', approvers: [1], rule: 'all', required: null },
        { kind: 'agreement', approvers: [3, 4], rule: 'all', required: null },
        { kind: 'approval', approvers: [2], rule: 'all', required: null },
      ],
      references: [5],
      receivers: [],
    });
  });

  it('never puts the same person on the line twice', () => {
    const line = addPerson(addPerson(emptyLine(), kim, 'approval'), kim, 'receiver');
    expect(line.receivers).toEqual([]);
  });

  it('reorders steps by drag and keeps an N-of-M rule within the group size', () => {
    let line = addPerson(addPerson(addPerson(emptyLine(), kim, 'approval'), park, 'agreement'), choi, 'agreement');
    line = addPerson(line, lee, 'approval');
    line = moveStep(line, 2, 0);
    expect(line.steps.map((s) => s.people[0]?.id)).toEqual([2, 1, 3]);
    const group = line.steps[2]!;
    line = setRule(line, group.uid, 'n_of_m', 5);
    expect(line.steps[2]).toMatchObject({ rule: 'n_of_m', required: 2 });
    line = removePerson(line, 4);
    expect(line.steps[2]).toMatchObject({ required: 1 });
    expect(toLineIn(line).steps?.[2]).toEqual({ kind: 'agreement', approvers: [3], rule: 'n_of_m', required: 1 });
  });

  it('reports what the server would refuse', () => {
    expect(lineProblems(emptyLine(), 9)).toEqual(['empty']);
    expect(lineProblems(addPerson(emptyLine(), kim, 'approval'), 1)).toContain('drafterInLine');
    expect(lineProblems(addPerson(emptyLine(), kim, 'approval'), 9)).toEqual([]);
  });

  it('rebuilds a stored line with names, keeping unknown ids visible', () => {
    const line = fromLineIn(
      { steps: [{ kind: 'approval', approvers: [1], rule: 'all', required: null }], references: [77], receivers: [] },
      new Map([[1, kim]]),
    );
    expect(line.steps[0]!.people[0]!.name).toBe('김팀장');
    expect(line.references[0]!.name).toBe('#77');
  });
});
