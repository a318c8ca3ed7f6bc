// jsdom lays nothing out: every element is 0 px high, so a virtualised list
// would draw no rows. Give elements a size (and scrollTo a meaning) for the
// tests that render one.
import { afterAll, beforeAll } from 'vitest';

type Saved = { name: string; descriptor: PropertyDescriptor | undefined; target: object };

export function fakeLayout(size = { width: 800, height: 2000, rowHeight: 40 }): void {
  const saved: Saved[] = [];
  const define = (target: object, name: string, descriptor: PropertyDescriptor) => {
    saved.push({ target, name, descriptor: Object.getOwnPropertyDescriptor(target, name) });
    Object.defineProperty(target, name, { configurable: true, ...descriptor });
  };
  beforeAll(() => {
    define(HTMLElement.prototype, 'clientHeight', { get: () => size.height });
    define(HTMLElement.prototype, 'clientWidth', { get: () => size.width });
    define(HTMLElement.prototype, 'offsetHeight', { get: () => size.rowHeight });
    define(HTMLElement.prototype, 'offsetWidth', { get: () => size.width });
    define(Element.prototype, 'scrollTo', {
      value(this: Element, options?: ScrollToOptions | number) {
        if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top;
      },
      writable: true,
    });
  });
  afterAll(() => {
    for (const { target, name, descriptor } of saved.reverse()) {
      if (descriptor) Object.defineProperty(target, name, descriptor);
      else delete (target as Record<string, unknown>)[name];
    }
  });
}
