// The page_size and page_token query parameters shared by every listing, and the list envelope.
import { z } from 'zod';
import { decodePageToken, isTimeIdKey } from '../pagination';

export { isTimeIdKey };
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits';
import { documentedAs } from './operation';

const pageSizeMessage = `must be an integer between 1 and ${MAX_PAGE_SIZE}`;

// Query values arrive as text; the document states what the text must say.
const pageSize = documentedAs(
  z
    .string({ error: pageSizeMessage })
    .regex(/^\d{1,4}$/, { error: pageSizeMessage })
    .transform(Number)
    .pipe(z.number().int().min(1, { error: pageSizeMessage }).max(MAX_PAGE_SIZE, { error: pageSizeMessage })),
  { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
);

/**
 * The paging parameters of a listing. `validKey` checks a decoded key has the shape the listing
 * expects, so a token from another listing is refused rather than passed to SQL.
 */
export function pageQuery(validKey: (key: string[]) => boolean) {
  const tokenMessage = 'is not a page token from this listing';
  return {
    page_size: pageSize.optional().transform((value) => value ?? DEFAULT_PAGE_SIZE),
    page_token: z
      .string({ error: tokenMessage })
      .transform((token, ctx) => {
        if (token === '') return null;
        const key = decodePageToken(token);
        if (key === null || !validKey(key)) {
          ctx.addIssue({ code: 'custom', message: tokenMessage });
          return z.NEVER;
        }
        return key;
      })
      .optional()
      .transform((key) => key ?? null)
      .meta({ description: 'Opaque; copy `next_page_token` from the previous page. A token from another listing is a 422.' }),
  };
}

/** { <property>: [item…], next_page_token } */
export function listOf<K extends string, T extends z.ZodType>(property: K, item: T) {
  return z.object({
    [property]: z.array(item),
    next_page_token: z.string().nullable().meta({ description: 'Pass as page_token for the next page; null on the last page.' }),
  } as { [P in K]: z.ZodArray<T> } & { next_page_token: z.ZodNullable<z.ZodString> });
}
