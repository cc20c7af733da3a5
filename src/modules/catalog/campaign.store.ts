import type { Queryable } from '../../datasources/postgres.js';
import type { Campaign } from './catalog.type.js';
import type { CampaignChannel, CampaignStatus } from './catalog.kinds.js';

interface CampaignRow {
  id: string;
  external_id: string;
  name: string;
  channel: CampaignChannel;
  status: CampaignStatus;
  starts_at: Date | null;
  ends_at: Date | null;
  attributes: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

export interface CampaignWrite {
  externalId: string;
  name: string;
  channel: CampaignChannel;
  status: CampaignStatus;
  startsAt: Date | null;
  endsAt: Date | null;
  attributes: Record<string, unknown>;
}

/** A page request: campaigns after `afterExternalId`, in external-id order. */
export interface CampaignPageQuery {
  first: number;
  afterExternalId: string | null;
  status: CampaignStatus | null;
  channel: CampaignChannel | null;
}

const COLUMNS =
  'id, external_id, name, channel, status, starts_at, ends_at, attributes, created_at, updated_at';

/** PostgreSQL access for campaigns. */
export class CampaignStore {
  constructor(private readonly db: Queryable) {}

  async findByIds(ids: readonly string[]): Promise<Campaign[]> {
    const { rows } = await this.db.query<CampaignRow>(
      /* sql */ `/* campaign.findByIds */
      SELECT ${COLUMNS} FROM campaigns WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toCampaign);
  }

  /** One page plus one row, so the caller can tell whether more follow. */
  async listPage(page: CampaignPageQuery): Promise<Campaign[]> {
    const { rows } = await this.db.query<CampaignRow>(
      /* sql */ `/* campaign.listPage */
      SELECT ${COLUMNS} FROM campaigns
      WHERE ($2::text IS NULL OR external_id > $2)
        AND ($3::text IS NULL OR status = $3)
        AND ($4::text IS NULL OR channel = $4)
      ORDER BY external_id
      LIMIT $1`,
      [page.first + 1, page.afterExternalId, page.status, page.channel],
    );
    return rows.map(toCampaign);
  }

  /** Inserts or replaces the campaign with this external id; says which it did. */
  async upsert(write: CampaignWrite): Promise<{ campaign: Campaign; created: boolean }> {
    const { rows } = await this.db.query<CampaignRow & { created: boolean }>(
      /* sql */ `/* campaign.upsert */
      INSERT INTO campaigns (external_id, name, channel, status, starts_at, ends_at, attributes)
      VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
      ON CONFLICT ON CONSTRAINT campaigns_external_id_key DO UPDATE
        SET name = EXCLUDED.name, channel = EXCLUDED.channel, status = EXCLUDED.status,
            starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
            attributes = EXCLUDED.attributes, updated_at = now()
      RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [
        write.externalId,
        write.name,
        write.channel,
        write.status,
        write.startsAt,
        write.endsAt,
        JSON.stringify(write.attributes),
      ],
    );
    const row = rows[0]!;
    return { campaign: toCampaign(row), created: row.created };
  }
}

function toCampaign(row: CampaignRow): Campaign {
  return {
    id: row.id,
    externalId: row.external_id,
    name: row.name,
    channel: row.channel,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    attributes: row.attributes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
