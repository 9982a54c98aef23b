-- An organization member's scope is the organization's own place: its community, or its
-- street when it has no community (issue 9). Before this, a grant took the community from
-- the request body, so a worker of one community could make anyone a member of another
-- community's organization. Rows whose scope lies outside their organization's place are
-- revoked here, each with an audit event; the rest are given exactly the organization's place
-- (duplicates that this would create are removed first).

-- +goose Up
CREATE TEMPORARY TABLE org_member_outside AS
SELECT m.id AS membership_id, m.user_id AS user_id, o.id AS organization_id, o.community_id AS community_id
FROM memberships m
JOIN organizations o ON o.id = m.organization_id
WHERE m.role = 'org_member' AND NOT COALESCE(CASE
    WHEN m.grid_id IS NOT NULL THEN EXISTS (
        SELECT 1 FROM grids g JOIN communities c ON c.id = g.community_id
        WHERE g.id = m.grid_id AND (g.community_id = o.community_id OR (o.community_id IS NULL AND c.street_id = o.street_id)))
    WHEN m.community_id IS NOT NULL THEN EXISTS (
        SELECT 1 FROM communities c
        WHERE c.id = m.community_id AND (c.id = o.community_id OR (o.community_id IS NULL AND c.street_id = o.street_id)))
    WHEN m.street_id IS NOT NULL THEN (EXISTS (
        SELECT 1 FROM communities c WHERE c.id = o.community_id AND c.street_id = m.street_id)
        OR (o.community_id IS NULL AND o.street_id = m.street_id))
    ELSE TRUE
END, FALSE);

INSERT INTO audit_events (action, subject_type, subject_id, community_id, data)
SELECT 'membership.revoked', 'user', x.user_id, x.community_id,
       '{"role":"org_member","membership_id":' || x.membership_id || ',"organization_id":' || x.organization_id ||
       ',"reason":"scope_outside_organization"}'
FROM org_member_outside x;

DELETE FROM memberships WHERE id IN (SELECT membership_id FROM org_member_outside);

DROP TABLE org_member_outside;

DELETE FROM memberships
WHERE role = 'org_member' AND organization_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM memberships d
    WHERE d.role = 'org_member' AND d.user_id = memberships.user_id
      AND d.organization_id = memberships.organization_id AND d.id < memberships.id);

UPDATE memberships SET
    community_id = (SELECT o.community_id FROM organizations o WHERE o.id = memberships.organization_id),
    street_id = (SELECT CASE WHEN o.community_id IS NULL THEN o.street_id END FROM organizations o WHERE o.id = memberships.organization_id),
    grid_id = NULL
WHERE role = 'org_member' AND organization_id IS NOT NULL;

-- +goose Down
-- Revoked memberships are not restored: they were granted against the wrong community.
SELECT 1;
