-- Demo cases (one row per case, etl/demo.py) -> case_counts at month grain, one branch per stage.
-- {parquet} is replaced by a quoted, escaped SQL string literal: the path of one cases-*.parquet part.
-- Each stage is dated by its own decision: referral and pretrial by referral_date, disposition by
-- disposition_date, sentence by sentence_date. A NULL outcome (not charged, pending, not convicted) is no
-- row of that stage. source_outcome is the file's own label (the same canonical word: the demo has no
-- owner vocabulary). office_id is left NULL: the build attributes rows through office_county.
SELECT
    NULL::VARCHAR AS office_id, fips, date_trunc('month', referral_date)::DATE AS period_start,
    'month' AS period_grain, 'referral' AS stage, referral_outcome AS outcome, referral_outcome AS source_outcome,
    offense_category, offense_level, NULL::VARCHAR AS offense_detail, race, sex, age_band, count(*) AS n
FROM read_parquet({parquet})
GROUP BY ALL
UNION ALL
SELECT
    NULL::VARCHAR, fips, date_trunc('month', referral_date)::DATE, 'month', 'pretrial', pretrial_outcome,
    pretrial_outcome, offense_category, offense_level, NULL::VARCHAR, race, sex, age_band, count(*)
FROM read_parquet({parquet})
WHERE pretrial_outcome IS NOT NULL
GROUP BY ALL
UNION ALL
SELECT
    NULL::VARCHAR, fips, date_trunc('month', disposition_date)::DATE, 'month', 'disposition', disposition_outcome,
    disposition_outcome, offense_category, offense_level, NULL::VARCHAR, race, sex, age_band, count(*)
FROM read_parquet({parquet})
WHERE disposition_outcome IS NOT NULL
GROUP BY ALL
UNION ALL
SELECT
    NULL::VARCHAR, fips, date_trunc('month', sentence_date)::DATE, 'month', 'sentence', sentence_outcome,
    sentence_outcome, offense_category, offense_level, NULL::VARCHAR, race, sex, age_band, count(*)
FROM read_parquet({parquet})
WHERE sentence_outcome IS NOT NULL
GROUP BY ALL
