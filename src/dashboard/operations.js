// The GraphQL operations the page sends (schema: the segment module's Query, Subscription).

const SEGMENT_FIELDS = /* GraphQL */ `
  id
  key
  name
  description
  status
  size
  createdAt
  updatedAt
`;

const CHANGE_FIELDS = /* GraphQL */ `
  cursor
  segmentId
  segment {
    id
    name
  }
  customerId
  customer {
    id
    displayName
  }
  change
  at
  sizeAfter
  reason {
    summary
    conditions {
      path
      description
      was
      now
    }
  }
`;

export const SEGMENTS = /* GraphQL */ `
  query DashboardSegments {
    segments {
      ${SEGMENT_FIELDS}
    }
  }
`;

export const SEGMENT = /* GraphQL */ `
  query DashboardSegment($id: ID!) {
    segment(id: $id) {
      ${SEGMENT_FIELDS}
    }
  }
`;

/**
 * `since` goes in as a literal, not a variable: a variable must name the date scalar's type,
 * and a literal works whatever the schema calls it. It is the page's own `toISOString()`.
 */
export const sizeHistory = (since) => /* GraphQL */ `
  query DashboardSizeHistory($id: ID!, $bucket: SizeHistoryBucket!) {
    segment(id: $id) {
      id
      sizeHistory(bucket: $bucket, since: ${JSON.stringify(since.toISOString())}) {
        at
        size
      }
    }
  }
`;

/** The newest few changes of every segment: what the feed shows before live ones arrive. */
export const RECENT_CHANGES = /* GraphQL */ `
  query DashboardRecentChanges($first: Int!) {
    segments {
      id
      changes(first: $first) {
        edges {
          cursor
          node {
            ${CHANGE_FIELDS}
          }
        }
      }
    }
  }
`;

export const MEMBERSHIP_CHANGED = /* GraphQL */ `
  subscription DashboardMembershipChanged($afterCursor: String) {
    segmentMembershipChanged(afterCursor: $afterCursor) {
      ${CHANGE_FIELDS}
    }
  }
`;

export const SIZE_CHANGED = /* GraphQL */ `
  subscription DashboardSizeChanged {
    segmentSizeChanged {
      segmentId
      size
      at
      cursor
    }
  }
`;
