import { PAGE_DATA_ID } from '../../shared/page-data';

/** The JSON the page shell embedded for this page (`<script id="page-data">`). */
export function readPageData<T>(): T {
  const el = document.getElementById(PAGE_DATA_ID);
  if (!el?.textContent) throw new Error('the page has no page data');
  return JSON.parse(el.textContent) as T;
}
