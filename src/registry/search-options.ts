/**
 * search()'s filter and page options, and its cursors: an opaque string holding the last row's
 * sort key and the order it belongs to, so a cursor used with another order is refused instead of
 * silently skipping rows.
 */
import { rangeError, requireInteger, requireNumber, typeError } from '../errors.js';
import { checkName } from './model-ref.js';

export interface SearchFilter {
  /** Only versions of this model. */
  name?: string;
  /** Tags that must all be present with these values. */
  tags?: Record<string, string>;
  /** Metric ranges that must all hold (inclusive): { accuracy: { min: 0.9 } }. */
  metrics?: Record<string, { min?: number; max?: number }>;
  /** Only approved (true) or only unapproved (false) versions. */
  approved?: boolean;
}

export interface SearchPage {
  /** Versions per page, 1 to 1000 (default 50). */
  limit?: number;
  /** nextCursor of the previous page. */
  cursor?: string | null;
  /** 'newest' (default), 'oldest', or a metric (versions without it are left out). */
  orderBy?: 'newest' | 'oldest' | { metric: string; direction?: 'asc' | 'desc' };
}

export interface Cursor {
  order: string;
  id: number;
  value?: number;
}

/** The order as a string, for cursors. */
export function orderKey(orderBy: SearchPage['orderBy']): string {
  if (orderBy === undefined || orderBy === 'newest') return 'newest';
  if (orderBy === 'oldest') return 'oldest';
  if (typeof orderBy !== 'object' || orderBy === null || typeof orderBy.metric !== 'string' || orderBy.metric.length === 0) {
    throw typeError("'newest', 'oldest' or { metric, direction? }", 'page.orderBy', orderBy);
  }
  const direction = orderBy.direction ?? 'desc';
  if (direction !== 'asc' && direction !== 'desc') throw typeError("'asc' or 'desc'", 'page.orderBy.direction', direction);
  return `metric:${direction}:${orderBy.metric}`;
}

/** The cursor as an opaque URL-safe string. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** The cursor of text, checked to belong to the order it is used with. */
export function decodeCursor(text: string, order: string): Cursor {
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw rangeError('a cursor returned by search() as nextCursor', 'page.cursor', JSON.stringify(text));
  }
  if (typeof c !== 'object' || c === null || !Number.isInteger(c.id)) throw rangeError('a cursor returned by search() as nextCursor', 'page.cursor', JSON.stringify(text));
  if (c.order !== order) throw rangeError(`a cursor of a search ordered by ${order} (pass the same orderBy as the first page)`, 'page.cursor', `a cursor of the order ${c.order}`);
  return c;
}

/** The filter checked, as lists the store's query takes. */
export function checkFilter(filter: SearchFilter): { name?: string; tags: [string, string][]; metrics: [string, number, number][]; approved?: boolean } {
  if (typeof filter !== 'object' || filter === null) throw typeError('an object { name?, tags?, metrics?, approved? }', 'filter', filter);
  const tags = Object.entries(filter.tags ?? {}).map(([k, v]): [string, string] => {
    if (typeof v !== 'string') throw typeError('a string', `filter.tags.${k}`, v);
    return [k, v];
  });
  const metrics = Object.entries(filter.metrics ?? {}).map(([k, range]): [string, number, number] => {
    if (typeof range !== 'object' || range === null) throw typeError('a range { min?, max? }', `filter.metrics.${k}`, range);
    return [k, range.min === undefined ? -Number.MAX_VALUE : requireNumber(range.min, `filter.metrics.${k}.min`), range.max === undefined ? Number.MAX_VALUE : requireNumber(range.max, `filter.metrics.${k}.max`)];
  });
  if (filter.approved !== undefined && typeof filter.approved !== 'boolean') throw typeError('a boolean', 'filter.approved', filter.approved);
  return { name: filter.name === undefined ? undefined : checkName(filter.name), tags, metrics, approved: filter.approved };
}

/** The page size checked. */
export function checkLimit(limit: unknown): number {
  return requireInteger(limit ?? 50, 'page.limit', 1, 1000);
}
