-- Targets an administrator set, overriding the program's (e.g. a number
-- for an indicator the plan only says "普遍" about). target NULL means "no
-- numeric target" that year, even if the program file has one.
CREATE TABLE target_overrides (
	indicator  TEXT    NOT NULL,
	year       INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	target     INTEGER CHECK (target BETWEEN 0 AND 100),
	updated_at TEXT    NOT NULL,
	actor      TEXT    NOT NULL,
	PRIMARY KEY (indicator, year)
) WITHOUT ROWID;
