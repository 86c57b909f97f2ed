-- The measures' words in other languages: published as built (see docs/WAREHOUSE.md).
SELECT metric_id, lang, label, question, description, direction, caveat
FROM metric_definition_i18n
