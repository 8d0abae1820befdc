'use client';

import { useCallback, useState } from 'react';
import { ChevronLeft, ChevronRight } from 'lucide-react';
import { Button } from '@/components/ui/button';

/** Cursor paging state: a stack of the cursors of the pages visited so far. */
export function useCursorPages() {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  const next = useCallback((c: string) => setStack((s) => [...s, c]), []);
  const previous = useCallback(() => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)), []);
  const reset = useCallback(() => setStack([undefined]), []);
  return { cursor, page: stack.length, next, previous, reset, hasPrevious: stack.length > 1 };
}

export function CursorPager({ pages, nextCursor, busy }: {
  pages: ReturnType<typeof useCursorPages>; nextCursor: string | null | undefined; busy?: boolean;
}) {
  return (
    <nav aria-label="Pagination" className="flex items-center justify-end gap-2 pt-3">
      <span className="mr-auto text-xs text-muted-foreground">Page {pages.page}</span>
      <Button variant="outline" size="sm" onClick={pages.previous} disabled={!pages.hasPrevious || busy}>
        <ChevronLeft aria-hidden="true" /> Previous
      </Button>
      <Button variant="outline" size="sm" onClick={() => nextCursor && pages.next(nextCursor)} disabled={!nextCursor || busy}>
        Next <ChevronRight aria-hidden="true" />
      </Button>
    </nav>
  );
}
