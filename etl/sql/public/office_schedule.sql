-- office schedule: published as built (see docs/WAREHOUSE.md).
SELECT office_id, last_general, next_general, term_years, basis
FROM office_schedule
