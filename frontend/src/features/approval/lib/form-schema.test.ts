import { describe, expect, it } from 'vitest';
import { checkValue, cleanData, fieldLabel, parseSchema, schemaProblems, type FormField } from './form-schema';

const amount: FormField = { key: 'amount', label: { ko: '금액', en: 'Amount' }, type: 'number', required: true, min: 1, max: 100 };
const account: FormField = { key: 'account', label: { ko: '계정' }, type: 'select', options: ['접대비', '소모품비'] };
const day: FormField = { key: 'spent_on', label: { ko: '지출일' }, type: 'date', required: true };

describe('template form checks mirror the server', () => {
  it('requires required fields only when submitting', () => {
    expect(checkValue(amount, undefined, false)).toBeNull();
    expect(checkValue(amount, undefined, true)).toEqual({ code: 'required' });
  });

  it('checks numbers, options, dates and text length', () => {
    expect(checkValue(amount, 0, true)).toEqual({ code: 'tooSmall', limit: 1 });
    expect(checkValue(amount, 101, true)).toEqual({ code: 'tooLarge', limit: 100 });
    expect(checkValue(amount, 50, true)).toBeNull();
    expect(checkValue(account, '여비', true)).toEqual({ code: 'notOption' });
    expect(checkValue(day, '2026-13-45', true)).toEqual({ code: 'notDate' });
    expect(checkValue(day, '2026-11-20', true)).toBeNull();
    const text: FormField = { key: 'purpose', label: { ko: '목적' }, type: 'text' };
    expect(checkValue(text, 'x'.repeat(201), true)).toEqual({ code: 'tooLong', limit: 200 });
  });

  it('sends only the schema keys with values', () => {
    const schema = parseSchema({ fields: [amount, account] });
    expect(cleanData(schema, { amount: 5, account: '', extra: 'x' })).toEqual({ amount: 5 });
  });

  it('labels in the user language with Korean as fallback', () => {
    expect(fieldLabel(amount, 'en')).toBe('Amount');
    expect(fieldLabel(account, 'en')).toBe('계정');
    expect(fieldLabel(amount, 'ko')).toBe('금액');
  });

  it('finds schema mistakes an administrator makes', () => {
    expect(schemaProblems({ fields: [amount, { ...amount }] })).toContain('duplicate:amount');
    expect(schemaProblems({ fields: [{ ...account, options: [] }] })).toContain('options:account');
    expect(schemaProblems({ fields: [{ ...amount, key: 'Bad Key' }] })).toContain('key:Bad Key');
  });
});
