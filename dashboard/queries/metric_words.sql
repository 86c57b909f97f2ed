-- Each measure's words in one language (metric_definition_i18n): label, question, description, direction, caveat.
SELECT metric_id, label, question, description, direction, caveat
FROM metric_definition_i18n
WHERE lang = $lang
