import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { QueryStates } from '@/components/common/states';

type Rows = { items: string[] };
const query = (over: Partial<{ isError: boolean; error: unknown }> = {}) => ({
  isError: false,
  error: null,
  refetch: () => undefined,
  ...over,
});
const render = (q: ReturnType<typeof query>, data: Rows | undefined) =>
  renderToStaticMarkup(
    createElement(QueryStates<Rows>, {
      query: q,
      data,
      loading: { rows: 2, label: 'Loading rows…' },
      isEmpty: (d) => d.items.length === 0,
      empty: createElement('p', null, 'Nothing here'),
      children: (d) =>
        createElement(
          'ul',
          null,
          d.items.map((i) => createElement('li', { key: i }, i)),
        ),
    }),
  );

describe('<QueryStates>: error → loading → empty → content', () => {
  it('shows the error first, even over data it already has', () => {
    const html = render(query({ isError: true, error: new Error('Postgres is down') }), { items: ['a'] });
    expect(html).toContain('Could not load this');
    expect(html).toContain('Postgres is down');
    expect(html).not.toContain('<li>');
  });

  it('shows skeleton rows with the label while no answer has come', () => {
    const html = render(query(), undefined);
    expect(html).toContain('role="status"');
    expect(html).toContain('Loading rows…');
  });

  it('shows the empty state for an answer with nothing in it', () => {
    expect(render(query(), { items: [] })).toBe('<p>Nothing here</p>');
  });

  it('renders the content with the answer', () => {
    expect(render(query(), { items: ['a', 'b'] })).toBe('<ul><li>a</li><li>b</li></ul>');
  });
});
