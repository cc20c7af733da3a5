import type { Queryable } from '../../datasources/postgres.js';
import type { Content } from './catalog.type.js';
import type { ContentKind } from './catalog.kinds.js';

interface ContentRow {
  id: string;
  external_id: string;
  title: string;
  kind: ContentKind;
  url: string | null;
  categories: string[];
  keywords: string[];
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface ContentWrite {
  externalId: string;
  title: string;
  kind: ContentKind;
  url: string | null;
  categories: string[];
  keywords: string[];
  attributes: Record<string, unknown>;
}

/** A page request: items after `afterExternalId`, in external-id order. */
export interface ContentPageQuery {
  first: number;
  afterExternalId: string | null;
  category: string | null;
  kind: ContentKind | null;
  titlePattern: string | null;
}

const COLUMNS =
  'id, external_id, title, kind, url, categories, keywords, attributes, created_at, updated_at';

/** PostgreSQL access for content items. */
export class ContentStore {
  constructor(private readonly db: Queryable) {}

  async findByIds(ids: readonly string[]): Promise<Content[]> {
    const { rows } = await this.db.query<ContentRow>(
      /* sql */ `/* content.findByIds */
      SELECT ${COLUMNS} FROM content WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toContent);
  }

  /** One page plus one row, so the caller can tell whether more follow. */
  async listPage(page: ContentPageQuery): Promise<Content[]> {
    const { rows } = await this.db.query<ContentRow>(
      /* sql */ `/* content.listPage */
      SELECT ${COLUMNS} FROM content
      WHERE ($2::text IS NULL OR external_id > $2)
        AND ($3::text IS NULL OR categories @> ARRAY[$3::text])
        AND ($4::text IS NULL OR kind = $4)
        AND ($5::text IS NULL OR title ILIKE $5)
      ORDER BY external_id
      LIMIT $1`,
      [page.first + 1, page.afterExternalId, page.category, page.kind, page.titlePattern],
    );
    return rows.map(toContent);
  }

  /** Inserts or replaces the item with this external id; says which it did. */
  async upsert(write: ContentWrite): Promise<{ content: Content; created: boolean }> {
    const { rows } = await this.db.query<ContentRow & { created: boolean }>(
      /* sql */ `/* content.upsert */
      INSERT INTO content (external_id, title, kind, url, categories, keywords, attributes)
      VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7::jsonb)
      ON CONFLICT ON CONSTRAINT content_external_id_key DO UPDATE
        SET title = EXCLUDED.title, kind = EXCLUDED.kind, url = EXCLUDED.url,
            categories = EXCLUDED.categories, keywords = EXCLUDED.keywords,
            attributes = EXCLUDED.attributes, updated_at = now()
      RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [
        write.externalId,
        write.title,
        write.kind,
        write.url,
        write.categories,
        write.keywords,
        JSON.stringify(write.attributes),
      ],
    );
    const row = rows[0]!;
    return { content: toContent(row), created: row.created };
  }
}

function toContent(row: ContentRow): Content {
  return {
    id: row.id,
    externalId: row.external_id,
    title: row.title,
    kind: row.kind,
    url: row.url,
    categories: row.categories.map((name) => ({ name })),
    keywords: row.keywords,
    attributes: row.attributes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
