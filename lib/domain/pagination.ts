import { z } from "zod";

export const pageQuery = {
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(20),
};

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
  pages: number;
}

export function pageArgs(q: { page: number; page_size: number }) {
  return { skip: (q.page - 1) * q.page_size, take: q.page_size };
}

export function toPage<T>(items: T[], total: number, q: { page: number; page_size: number }): Page<T> {
  return { items, total, page: q.page, page_size: q.page_size, pages: Math.ceil(total / q.page_size) };
}
