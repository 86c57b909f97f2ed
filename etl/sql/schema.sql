-- The warehouse contract (docs/WAREHOUSE.md). Names are stable: the dashboard reads only these tables.
-- Keys are checked by etl/sql/checks/ (readable failures) rather than constraints.
-- Tables and columns added after the first contract are marked "extension" and documented in docs/WAREHOUSE.md.

CREATE TABLE source (
    source_id     VARCHAR,
    title         VARCHAR NOT NULL,
    publisher     VARCHAR NOT NULL,
    url           VARCHAR,
    license       VARCHAR NOT NULL,
    retrieved_at  TIMESTAMP,
    sha256        VARCHAR,             -- of the input files, combined in file-name order
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,     -- every row kept in rejected_row, excluded and duplicates included
    notes         VARCHAR,
    rows_excluded BIGINT NOT NULL DEFAULT 0,  -- extension: the part of rows_rejected excluded on purpose
    kind          VARCHAR NOT NULL,           -- extension: case | detention | reference | people
    is_demo       BOOLEAN NOT NULL DEFAULT false,  -- extension
    redistributable BOOLEAN NOT NULL DEFAULT true  -- extension: false = downloaded at run time only
);

-- extension: one row per input file, so every file's rows reconcile on their own.
CREATE TABLE source_file (
    source_id     VARCHAR NOT NULL,
    file          VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    bytes         BIGINT NOT NULL,
    rows_read     BIGINT NOT NULL,
    rows_loaded   BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    rows_excluded BIGINT NOT NULL
);

CREATE TABLE county (
    fips        VARCHAR,
    state_fips  VARCHAR NOT NULL,
    state_abbr  VARCHAR NOT NULL,
    state_name  VARCHAR NOT NULL,
    county_name VARCHAR NOT NULL,
    lat         DOUBLE,
    lon         DOUBLE
);

CREATE TABLE county_population (
    fips       VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    race       VARCHAR NOT NULL,       -- 'all' or a race value
    age_group  VARCHAR NOT NULL DEFAULT 'all',  -- extension: 'all' | '18_plus'
    population BIGINT NOT NULL,
    source_id  VARCHAR NOT NULL       -- extension
);

CREATE TABLE office (
    office_id  VARCHAR,
    name       VARCHAR NOT NULL,
    state_abbr VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,       -- district_attorney | state_attorney | states_attorney | ...
    selection  VARCHAR NOT NULL,       -- elected | appointed
    source_id  VARCHAR NOT NULL        -- extension
);

CREATE TABLE office_county (
    office_id VARCHAR NOT NULL,
    fips      VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL         -- extension
);

CREATE TABLE prosecutor (
    prosecutor_id VARCHAR,
    name          VARCHAR NOT NULL,
    party         VARCHAR,
    source_id     VARCHAR NOT NULL     -- extension
);

CREATE TABLE term (
    term_id       VARCHAR,
    prosecutor_id VARCHAR NOT NULL,
    office_id     VARCHAR NOT NULL,
    start_date    DATE NOT NULL,
    end_date      DATE,                -- NULL: in office now
    entry         VARCHAR NOT NULL,    -- elected | appointed | interim | acting
    citation      VARCHAR NOT NULL,    -- where the dates came from
    source_id     VARCHAR NOT NULL     -- extension
);

CREATE TABLE election (
    office_id      VARCHAR NOT NULL,
    election_date  DATE NOT NULL,
    round          VARCHAR NOT NULL,   -- primary | general | special
    candidate_name VARCHAR NOT NULL,
    incumbent      BOOLEAN,
    vote_share     DOUBLE,
    winner         BOOLEAN,
    contested      BOOLEAN,
    source_id      VARCHAR NOT NULL    -- extension
);

CREATE TABLE case_counts (
    source_id        VARCHAR NOT NULL,
    office_id        VARCHAR,
    fips             VARCHAR NOT NULL,
    period_start     DATE NOT NULL,
    period_grain     VARCHAR NOT NULL,
    stage            VARCHAR NOT NULL,
    outcome          VARCHAR NOT NULL,
    source_outcome   VARCHAR,
    offense_category VARCHAR NOT NULL DEFAULT 'unknown',
    offense_level    VARCHAR NOT NULL DEFAULT 'unknown',
    offense_detail   VARCHAR,
    race             VARCHAR NOT NULL DEFAULT 'unknown',
    sex              VARCHAR NOT NULL DEFAULT 'unknown',
    age_band         VARCHAR NOT NULL DEFAULT 'unknown',
    n                BIGINT NOT NULL
);

CREATE TABLE detention (
    source_id    VARCHAR NOT NULL,
    fips         VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_grain VARCHAR NOT NULL,
    measure      VARCHAR NOT NULL,
    race         VARCHAR NOT NULL,
    value        DOUBLE NOT NULL
);

CREATE TABLE metric_definition (
    metric_id            VARCHAR,
    label                VARCHAR NOT NULL,
    question             VARCHAR NOT NULL,
    description          VARCHAR NOT NULL,
    stage                VARCHAR NOT NULL,   -- a case stage, or 'detention'
    numerator_outcomes   VARCHAR[] NOT NULL,
    denominator_outcomes VARCHAR[] NOT NULL,
    unit                 VARCHAR NOT NULL,   -- share | per_100k
    caveat               VARCHAR NOT NULL,
    sort_order           INTEGER NOT NULL,   -- extension: display order
    direction            VARCHAR NOT NULL,   -- extension: what a higher value means, in plain words
    unavailable_if       VARCHAR[] NOT NULL, -- extension: outcomes that make the metric uncomputable for a source
    roles                VARCHAR[] NOT NULL, -- extension: what else its counts stand for (etl/metrics.toml's header)
    amount_at_least      DOUBLE              -- extension: for a measure of money amounts, the US dollars it counts from
);

CREATE TABLE metric_value (
    metric_id       VARCHAR NOT NULL,
    scope           VARCHAR NOT NULL,       -- county | office | term | state
    scope_id        VARCHAR NOT NULL,
    period_start    DATE NOT NULL,
    period_grain    VARCHAR NOT NULL,
    dimension       VARCHAR NOT NULL,
    dimension_value VARCHAR NOT NULL,
    numerator       DOUBLE,                 -- NULL when suppressed
    denominator     DOUBLE,                 -- NULL when suppressed
    value           DOUBLE,
    ci_low          DOUBLE,
    ci_high         DOUBLE,
    suppressed      BOOLEAN NOT NULL,
    source_ids      VARCHAR NOT NULL,       -- comma-separated source_id list
    suppression_reason VARCHAR              -- extension
);

-- extension: relative rate against white defendants, and representation ratio at referral.
CREATE TABLE disparity (
    measure         VARCHAR NOT NULL,       -- relative_rate | representation_ratio
    metric_id       VARCHAR NOT NULL,       -- for representation_ratio: the referral stage
    scope           VARCHAR NOT NULL,
    scope_id        VARCHAR NOT NULL,
    period_start    DATE NOT NULL,
    period_grain    VARCHAR NOT NULL,
    race            VARCHAR NOT NULL,
    reference       VARCHAR NOT NULL,       -- 'white', 'county_population' or 'county_population_any_ethnicity'
    value           DOUBLE,
    ci_low          DOUBLE,
    ci_high         DOUBLE,
    suppressed      BOOLEAN NOT NULL,
    suppression_reason VARCHAR,
    source_ids      VARCHAR NOT NULL
);

-- extension: which term each period of each office is attributed to, and how much of it the term held.
CREATE TABLE term_attribution (
    office_id     VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    period_grain  VARCHAR NOT NULL,
    term_id       VARCHAR NOT NULL,
    share_of_period DOUBLE NOT NULL,
    rule          VARCHAR NOT NULL
);

CREATE TABLE rejected_row (
    source_id   VARCHAR NOT NULL,
    file        VARCHAR NOT NULL,
    line        BIGINT,
    reason      VARCHAR NOT NULL,
    raw         VARCHAR,
    column_name VARCHAR,                    -- extension
    kind        VARCHAR NOT NULL            -- extension: rejected | excluded | duplicate
);

-- extension: every adapter's code mapping, for the methods page.
CREATE TABLE code_mapping (
    source_id      VARCHAR NOT NULL,
    mapping        VARCHAR NOT NULL,
    source_value   VARCHAR NOT NULL,
    field          VARCHAR NOT NULL,
    value          VARCHAR,
    exclude_reason VARCHAR
);

-- extension: comparability. What each source's counts at a stage are counts of (data/stage_definitions.csv):
-- the population (felony review, all arrests presented, cases filed...) and the counting unit (person, arrest,
-- case, docket). Values are compared only when their populations and units match.
CREATE TABLE stage_definition (
    source_id   VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,      -- a case stage, or 'detention'
    population  VARCHAR NOT NULL,
    unit        VARCHAR NOT NULL,
    description VARCHAR NOT NULL       -- in plain words, for the pages
);

-- extension: the definition each metric value was measured under, joinable to metric_value (and disparity) on
-- (metric_id, source_ids): its sources' population/unit at the metric's stage, several joined by ' + '.
CREATE TABLE value_definition (
    metric_id   VARCHAR NOT NULL,
    source_ids  VARCHAR NOT NULL,
    variant     VARCHAR NOT NULL,      -- e.g. 'felony_review/person'; equal variants are like with like
    description VARCHAR NOT NULL
);

-- extension: when the owner published each source and when this project obtained it, as far as is known
-- (data/source_dates.csv; NULL: not known), with where those dates come from. Not the files' timestamps.
CREATE TABLE source_date (
    source_id VARCHAR NOT NULL,
    published VARCHAR,                 -- a date, month or period in the owner's terms
    obtained  VARCHAR,
    citation  VARCHAR NOT NULL
);

-- extension: which county has which stage for which years (the methods page's coverage matrix).
CREATE TABLE coverage (
    fips       VARCHAR NOT NULL,
    source_id  VARCHAR NOT NULL,
    stage      VARCHAR NOT NULL,
    first_year INTEGER NOT NULL,
    last_year  INTEGER NOT NULL,
    n          BIGINT NOT NULL
);

-- extension: how and from what this warehouse was built (mode demo|real, code version, checksums).
CREATE TABLE build_info (
    key   VARCHAR,
    value VARCHAR NOT NULL
);

-- extension (source folders): where two or more sources cover the same county, stage and year, which one is
-- counted and why; and where the counted source changes from one year to the next (a break in the series).
-- No counts: the reason says "more cases", never how many, so no small count can be read from it.
CREATE TABLE source_choice (
    fips               VARCHAR NOT NULL,
    stage              VARCHAR NOT NULL,   -- a case stage, or detention
    year               INTEGER NOT NULL,
    source_id          VARCHAR NOT NULL,   -- the source counted
    candidates         VARCHAR NOT NULL,   -- every source with figures for the cell, comma-separated
    reason             VARCHAR NOT NULL,   -- why source_id is counted
    previous_source_id VARCHAR             -- the source counted the year before, when it was another (a break)
);

-- extension (period coverage and attribution): the dates each source actually covers, per place, stage and
-- period. Adapters record what their files say (an owner's note, a projection row); the build adds the
-- dates seen in the data for every other period (etl/sql/metrics/05_period_coverage.sql).
CREATE TABLE period_coverage (
    source_id    VARCHAR NOT NULL,
    fips         VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,     -- a case stage, or 'detention'
    period_start DATE NOT NULL,        -- the reporting period (a year)
    period_grain VARCHAR NOT NULL,     -- 'year'
    covered_from DATE NOT NULL,        -- first day the data cover
    covered_to   DATE,                 -- last day covered; NULL: partial, but the owner does not say where it ends
    partial      BOOLEAN NOT NULL,     -- the data cover less than the whole period
    basis        VARCHAR NOT NULL      -- how the dates are known
);

-- extension (period coverage and attribution): one row per published yearly metric_value key (county, office
-- and state scope): which dates it covers, whether it is a part-period, and who was in office for it.
CREATE TABLE value_period (
    metric_id     VARCHAR NOT NULL,
    scope         VARCHAR NOT NULL,    -- county | office | state
    scope_id      VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    period_grain  VARCHAR NOT NULL,
    covered_from  DATE,
    covered_to    DATE,
    partial       BOOLEAN NOT NULL,
    covered_label VARCHAR,             -- 'Jan-May', or 'part of the year'; NULL when the whole period is covered
    prosecutor    VARCHAR,             -- in office for most of the covered span (county and office scope)
    prosecutors   VARCHAR NOT NULL,    -- everyone in office during the covered span, in order of taking office
    term_ids      VARCHAR NOT NULL     -- their term_ids, in the same order
);

-- extension (elections): one row per contest as counted from the returns: its office, date, round (and a
-- primary's party), how many of the district's counties reported, who won with what share, whether it was
-- contested (two or more candidates with at least 5% of the valid vote), which collection it came from.
CREATE TABLE election_contest (
    office_id          VARCHAR NOT NULL,
    election_date      DATE NOT NULL,
    round              VARCHAR NOT NULL,   -- general | primary | runoff | special
    party              VARCHAR,            -- a primary's party; NULL otherwise
    counties_reported  INTEGER NOT NULL,   -- 0: from a district total
    counties_expected  INTEGER NOT NULL,
    counties_missing   VARCHAR,            -- ';'-separated FIPS of the district's counties with no returns
    valid_votes        BIGINT NOT NULL,    -- candidates and write-ins; over/under votes and blanks left out
    candidates         INTEGER NOT NULL,
    contested          BOOLEAN NOT NULL,
    winner_name        VARCHAR,            -- NULL: a tie
    winner_share       DOUBLE,
    collection         VARCHAR NOT NULL,   -- OpenElections | MEDSL (the one kept when both had it)
    note               VARCHAR,
    source_id          VARCHAR NOT NULL
);

-- extension (elections): each state's rule for its elected prosecutors, with the law it comes from.
CREATE TABLE prosecutor_rule (
    state_abbr            VARCHAR NOT NULL,
    office_kind           VARCHAR,         -- NULL: every prosecutor office of the state without its own row
    elected_per           VARCHAR NOT NULL, -- county | district
    term_years            INTEGER NOT NULL,
    term_start_month      INTEGER NOT NULL,
    regular_election_year INTEGER,         -- a year of the regular cycle when every office shares it
    citation              VARCHAR NOT NULL,
    source_id             VARCHAR NOT NULL
);

-- extension (elections): each office's last general election and its next regular one, from its returns and
-- its state's rule (written by etl/sql/office_schedule.sql after the people tables are merged).
CREATE TABLE office_schedule (
    office_id       VARCHAR NOT NULL,
    last_general    DATE,                  -- the latest general (or special) election in the warehouse
    next_general    DATE,                  -- the next regular general election after the build date
    term_years      INTEGER,
    basis           VARCHAR NOT NULL       -- how next_general was worked out, with the rule's citation
);

-- extension (elections): the map's election measures, defined in etl/election_measures.toml (no case counts
-- behind them, so they live beside metric_definition and metric_value rather than in them).
CREATE TABLE election_measure_definition (
    metric_id   VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    question    VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    unit        VARCHAR NOT NULL,   -- yes_no (1 yes, 0 no) | years
    caveat      VARCHAR NOT NULL,
    direction   VARCHAR NOT NULL,
    sort_order  INTEGER NOT NULL    -- after every metric_definition row
);

CREATE TABLE county_election_measure (
    metric_id  VARCHAR NOT NULL,
    fips       VARCHAR NOT NULL,
    year       INTEGER NOT NULL,    -- as of 31 December of this year
    value      DOUBLE NOT NULL,
    source_ids VARCHAR NOT NULL     -- comma-separated source_id list
);

-- extension (jail): cited context for the jail pages, typed by hand in data/reference/ (etl/sources/jail_context.py).
-- Dated events drawn on every trend chart; changes of prosecutor are read from `term`, not typed here.
CREATE TABLE event (
    place          VARCHAR NOT NULL,  -- a county's 5-digit FIPS, or a state's two letters (the whole state)
    event_date     DATE NOT NULL,
    kind           VARCHAR NOT NULL,  -- bail_reform_law | charging_policy | court_ruling | covid_court_closures
    label          VARCHAR NOT NULL,  -- the short label drawn beside the mark
    label_es       VARCHAR NOT NULL,  -- the same in Spanish
    citation_title VARCHAR NOT NULL,
    publisher      VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL
);

-- What a day in a county's jail costs, only where a document states the figure.
CREATE TABLE jail_cost (
    fips           VARCHAR NOT NULL,
    cost_per_day   DOUBLE NOT NULL,   -- US dollars per person per day
    dollars_year   INTEGER NOT NULL,  -- the year whose dollars the figure is in
    covers         VARCHAR NOT NULL,  -- what the figure covers, in the document's terms
    title          VARCHAR NOT NULL,
    publisher      VARCHAR NOT NULL,
    published_year INTEGER NOT NULL,
    url            VARCHAR NOT NULL,
    source_id      VARCHAR NOT NULL
);

-- The jail population's monthly average per county (etl/sql/metrics/55_jail_month.sql), from daily or monthly
-- reports; a month averaging fewer people than the suppression threshold is left out.
CREATE TABLE jail_month (
    fips          VARCHAR NOT NULL,
    month         DATE NOT NULL,     -- the month's first day
    population    DOUBLE NOT NULL,   -- people in jail on an average reported day of the month
    days_reported INTEGER NOT NULL,  -- days with a report (0: a monthly figure)
    source_id     VARCHAR NOT NULL
);

-- The measures' words in other languages (metric_definition's and election_measure_definition's label, question,
-- description, direction and caveat), from the `[<metric>.<lang>]` tables of etl/metrics.toml and
-- etl/election_measures.toml. English stays in the definitions themselves; a language missing here is shown in
-- English.
CREATE TABLE metric_definition_i18n (
    metric_id   VARCHAR NOT NULL,
    lang        VARCHAR NOT NULL,   -- a language code: es
    label       VARCHAR NOT NULL,
    question    VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    direction   VARCHAR NOT NULL,
    caveat      VARCHAR NOT NULL
);
