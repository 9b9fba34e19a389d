-- Compounds, which number up to a million, are stored one row per
-- compound-year, keyed by their community and name, instead of a units row
-- (with its index entry) plus a statuses row: a province year then costs
-- one B-tree insert per compound instead of three. Streets and communities
-- stay in units and statuses. Runs with foreign-key enforcement off
-- (db.migrate checks every reference before it commits).
--
-- A compound exists while it has a status in some year: one whose statuses
-- were all rolled back is gone, as it was never reported.
CREATE TABLE compounds (
	community_id     INTEGER NOT NULL REFERENCES units (id),
	name             TEXT    NOT NULL CHECK (name <> ''),
	year             INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	five_good        INTEGER CHECK (five_good IN (0, 1)),
	stars            INTEGER CHECK (stars BETWEEN 0 AND 5),
	service_center   INTEGER CHECK (service_center IN (0, 1)),
	party_branch     INTEGER CHECK (party_branch IN (0, 1)),
	owners_committee INTEGER CHECK (owners_committee IN (0, 1)),
	property_service INTEGER CHECK (property_service IN (0, 1)),
	star_flags       TEXT, -- as in statuses
	batch_id         INTEGER NOT NULL REFERENCES batches (id),
	PRIMARY KEY (community_id, name, year)
) WITHOUT ROWID;

INSERT INTO compounds (community_id, name, year, five_good, stars, service_center, party_branch,
	owners_committee, property_service, star_flags, batch_id)
SELECT u.parent_id, u.name, s.year, s.five_good, s.stars, s.service_center, s.party_branch,
	s.owners_committee, s.property_service, s.star_flags, s.batch_id
FROM units u JOIN statuses s ON s.unit_id = u.id
WHERE u.level = 'compound'
ORDER BY u.parent_id, u.name, s.year;

-- A change log entry of a compound becomes [community_id, year, old, new,
-- name]; those of streets and communities stay [unit_id, year, old, new].
UPDATE change_log SET changes = (
	SELECT json_group_array(CASE WHEN u.level = 'compound'
		THEN json_array(u.parent_id, c.value ->> 1, c.value ->> 2, c.value ->> 3, u.name)
		ELSE json(c.value) END ORDER BY c.key)
	FROM json_each(change_log.changes) c LEFT JOIN units u ON u.id = c.value ->> 0);

DELETE FROM statuses WHERE unit_id IN (SELECT id FROM units WHERE level = 'compound');
DELETE FROM units WHERE level = 'compound';

-- status_changes gains the compound's name: for a compound, unit_id is its
-- community's.
DROP VIEW status_changes;
CREATE VIEW status_changes (batch_id, unit_id, year, old, new, compound) AS
SELECT l.batch_id, c.value ->> 0, c.value ->> 1, c.value ->> 2, c.value ->> 3, c.value ->> 4
FROM change_log l, json_each(l.changes) c;
