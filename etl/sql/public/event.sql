-- event: published as built (see docs/WAREHOUSE.md): cited facts of public record, no counts.
SELECT place, event_date, kind, label, citation_title, publisher, url, source_id
FROM event
