-- Where each set-aside row is in the publisher's file and why; never what it holds (raw stays private).
SELECT source_id, file, line, reason, column_name, kind
FROM rejected_row
