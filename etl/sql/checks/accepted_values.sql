-- Template: {table}.{column} holds only the vocabulary's values (identifiers come from etl/vocab.py only).
SELECT '{table}.{column}: value ' || coalesce('''' || {column} || '''', 'NULL') || ' is not accepted (' || count(*)
       || ' rows)' AS problem
FROM {table}
WHERE {column} IS NULL OR NOT list_contains($allowed, {column})
GROUP BY {column}
