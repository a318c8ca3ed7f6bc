import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE, fill, fillAction, fillUrl, httpsHost, httpsUrl, templatePieces } from './template';

describe('templates (mirroring fields.rs)', () => {
  it('replaces known fields, spaces inside the braces allowed', () => {
    expect(fill('您好，{{subscriber.name}}！尾号 {{ card.last4 }}', DEFAULT_SAMPLE)).toBe('您好，张三！尾号 8848');
    expect(fill('无模板的文字', DEFAULT_SAMPLE)).toBe('无模板的文字');
    expect(fill('', DEFAULT_SAMPLE)).toBe('');
  });

  it('leaves unknown fields and stray braces visible', () => {
    expect(fill('{{subscriber.nmae}} / {{subscriber.name}', DEFAULT_SAMPLE)).toBe(
      '{{subscriber.nmae}} / {{subscriber.name}',
    );
    expect(fill('{{{subscriber.name}}}', DEFAULT_SAMPLE)).toBe('{张三}');
    expect(fill('{{张三}}', DEFAULT_SAMPLE)).toBe('{{张三}}');
    expect(fill('{{constructor}} {{__proto__}}', DEFAULT_SAMPLE)).toBe('{{constructor}} {{__proto__}}');
  });

  it('uses edited sample values', () => {
    expect(fill('{{subscriber.name}}', { ...DEFAULT_SAMPLE, name: '李四' })).toBe('李四');
  });

  it('encodes values filled into a URL', () => {
    expect(
      fillUrl('https://example.com/?n={{subscriber.name}}&id={{subscriber.id}}', { ...DEFAULT_SAMPLE, name: 'a&b c' }),
    ).toBe('https://example.com/?n=a%26b%20c&id=2088102146225135');
  });

  it('accepts only https URLs', () => {
    expect(httpsUrl('https://example.com/a')).toBe('https://example.com/a');
    for (const bad of [
      'http://example.com',
      'javascript:alert(1)',
      'data:text/html,x',
      '//example.com',
      '/relative',
      'https://',
      '',
      null,
      undefined,
    ]) {
      expect(httpsUrl(bad), String(bad)).toBeNull();
    }
    expect(httpsHost('https://h5.example.com:8443/x')).toBe('h5.example.com:8443');
    expect(httpsHost('ftp://example.com')).toBeNull();
  });

  it('fills every text of an action', () => {
    expect(fillAction({ type: 'send_keyword', keyword: '查询 {{card.last4}}' }, DEFAULT_SAMPLE)).toEqual({
      type: 'send_keyword',
      keyword: '查询 8848',
    });
    expect(
      fillAction({ type: 'map', name: '{{subscriber.level}}', latitude: null, longitude: 1 }, DEFAULT_SAMPLE),
    ).toEqual({
      type: 'map',
      name: '金卡会员',
      latitude: null,
      longitude: 1,
    });
    expect(fillAction({ type: 'open_page', page_id: 'x' }, DEFAULT_SAMPLE)).toEqual({
      type: 'open_page',
      page_id: 'x',
    });
  });
});

describe('template scanning', () => {
  // A draft title of nothing but braces, or a placeholder opened over and
  // over and never closed, must not freeze the designer: the work per
  // character stays the same from 100 kB to 1 MB, a few looks at most.
  it('takes linear work on texts built to make it quadratic', () => {
    const shapes: Array<[string, string]> = [
      ['{', ''],
      ['{{ ', ''],
      ['{{a', ''],
      ['{{subscriber', '}}'],
      ['{{   ', ' }}'],
    ];
    for (const [unit, tail] of shapes) {
      const perChar: number[] = [];
      for (const size of [100_000, 1_000_000]) {
        const text = unit.repeat(size / unit.length) + tail;
        const counter = { steps: 0 };
        expect(templatePieces(text, counter).length, `${unit} x ${size}`).toBeGreaterThan(0);
        expect(counter.steps, `${JSON.stringify(unit)} x ${size}: steps per character`).toBeLessThanOrEqual(
          3 * text.length,
        );
        perChar.push(counter.steps / text.length);
      }
      expect(perChar[1]!, `${JSON.stringify(unit)}: work per character from 100 kB to 1 MB`).toBeLessThanOrEqual(
        perChar[0]! * 1.1,
      );
    }
  });

  it('splits a text into literal runs and placeholders', () => {
    expect(templatePieces('a {{ card.last4 }}{{x}b')).toEqual([
      { text: 'a ' },
      { name: 'card.last4', raw: '{{ card.last4 }}' },
      { text: '{{x}b' },
    ]);
    expect(templatePieces('{{a}}}')).toEqual([{ name: 'a', raw: '{{a}}' }, { text: '}' }]);
    expect(templatePieces('{{ a b }} {{a\u3000}}')).toEqual([
      { text: '{{ a b }} ' },
      { name: 'a', raw: '{{a\u3000}}' },
    ]);
  });
});
