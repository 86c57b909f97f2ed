-- event: published as built (see docs/WAREHOUSE.md): cited facts of public record, no counts.
SELECT place, event_date, kind, label, label_es, citation_title, publisher, url, source_id
FROM event
