// The arithmetic of a virtualised list of fixed-height rows: which rows to render for a scroll
// position, and which pages of a paged list they need.

export interface ViewportInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Rows rendered beyond each edge, so fast scrolling shows no gaps. */
  overscan?: number;
}

export interface VisibleRange {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Where the first rendered row goes, in pixels from the top of the list. */
  offsetTop: number;
  /** Height of the whole list, in pixels. */
  totalHeight: number;
}

export function visibleRange({ scrollTop, viewportHeight, rowHeight, count, overscan = 8 }: ViewportInput): VisibleRange {
  const totalHeight = Math.max(0, count) * rowHeight;
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight };
  const top = Math.min(Math.max(0, scrollTop), Math.max(0, totalHeight - viewportHeight));
  const firstVisible = Math.floor(top / rowHeight);
  const lastVisible = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.max(0, firstVisible - overscan);
  const end = Math.min(count, lastVisible + overscan);
  return { start, end, offsetTop: start * rowHeight, totalHeight };
}

/** The page numbers (from 0) holding rows `start` up to (not including) `end`. */
export function pagesCovering(start: number, end: number, pageSize: number): number[] {
  if (end <= start || pageSize <= 0) return [];
  const pages: number[] = [];
  for (let page = Math.floor(start / pageSize); page <= Math.floor((end - 1) / pageSize); page++) pages.push(page);
  return pages;
}
