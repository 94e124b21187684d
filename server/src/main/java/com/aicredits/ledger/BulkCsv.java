package com.aicredits.ledger;

import com.aicredits.shared.Credits;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a bulk change's CSV: UTF-8 (a byte-order mark is dropped), RFC 4180 quoting (a quoted note may hold
 * commas, quotes and line breaks), the header {@code email,credits,note}, then one row per user. Shared by the
 * API and the screen's upload, so both accept and refuse the same files. A malformed file is refused as a whole,
 * naming the first bad row (0-based, counting rows after the header, as the bulk's {@code index} does).
 */
public final class BulkCsv {

    public static final List<String> HEADER = List.of("email", "credits", "note");

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    private BulkCsv() {
    }

    /** The rows read from a file, or why the file was refused. */
    public sealed interface Read {
    }

    public record Rows(List<BulkChange.Item> items) implements Read {
    }

    /**
     * Why the file was refused. {@code index} is the row the problem is in (0-based, after the header), or null when
     * it is the file as a whole; {@code email} that row's first column, to find it by. {@code rows}: every row refused
     * for its columns or its amount, this one first, so that one upload says what to correct in all of them (SPEC:
     * "every refused row says why"); empty for a problem of the whole file.
     */
    public record Malformed(String code, String problem, Integer index, String email, List<Malformed> rows) implements Read {

        Malformed(String code, String problem) {
            this(code, problem, null, null, List.of());
        }

        Malformed(String code, String problem, Integer index, String email) {
            this(code, problem, index, email, List.of());
        }

        /**
         * For the API, beside {@code index}: "row 3 (index 2): credits must be a number", rows counted from 1 after the
         * header as the preview numbers them and a bulk's other refusals count them.
         */
        public String detail() {
            return index == null ? problem : "row " + (index + 1) + " (index " + index + "): " + problem
                    + (rows.size() > 1 ? " (and " + (rows.size() - 1) + " more rows: see errors)" : "");
        }

        /**
         * For a person, counting rows from 1 as the preview's # column does: "row 3 (ken@…): credits must be a number",
         * each refused row so, the first {@link #SHOWN} of them.
         */
        public String forPeople() {
            if (index == null) {
                return problem;
            }
            var each = (rows.isEmpty() ? List.of(this) : rows).stream().limit(SHOWN).map(Malformed::onePerson).toList();
            return String.join("; ", each) + (rows.size() > SHOWN ? "; and " + (rows.size() - SHOWN) + " more rows" : "");
        }

        private String onePerson() {
            return "row " + (index + 1) + (email == null || email.isBlank() ? "" : " (" + email.strip() + ")") + ": " + problem;
        }

        static final int SHOWN = 5;
    }

    public static Read read(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return new Malformed("CSV_ENCODING", "the file is not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // Excel writes a byte-order mark in front of UTF-8 CSV files
        }
        List<CSVRecord> records;
        try (var parser = FORMAT.parse(new StringReader(text))) {
            records = parser.getRecords();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // The parser's own words ("(line 2) EOF reached before encapsulated token finished"), not the wrapper's,
            // which start with the library's class name.
            Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            return new Malformed("CSV_MALFORMED", "the file is not valid CSV (RFC 4180): " + cause.getMessage());
        }
        if (records.isEmpty()) {
            return new Malformed("CSV_HEADER", "the file is empty; it starts with the header " + String.join(",", HEADER));
        }
        var header = records.getFirst().stream().map(name -> name.strip().toLowerCase(Locale.ROOT)).toList();
        if (!header.equals(HEADER)) {
            return new Malformed("CSV_HEADER", "the header is " + String.join(",", HEADER) + ", not "
                    + String.join(",", records.getFirst().toList()));
        }
        int rows = records.size() - 1;
        if (rows == 0) {
            return new Malformed("CSV_NO_ROWS", "the file has a header but no rows");
        }
        if (rows > Ledger.MAX_BULK_ITEMS) {
            return new Malformed("TOO_MANY_ROWS", "a bulk change has at most " + Ledger.MAX_BULK_ITEMS + " rows; the file has "
                    + rows, Ledger.MAX_BULK_ITEMS, null);
        }
        var items = new ArrayList<BulkChange.Item>(rows);
        var refused = new ArrayList<Malformed>();
        for (int i = 0; i < rows; i++) {
            var record = records.get(i + 1);
            if (record.size() != HEADER.size()) {
                refused.add(new Malformed("CSV_COLUMNS", "it has " + record.size() + " columns, not " + HEADER.size() + " ("
                        + String.join(",", HEADER) + "; leave the note empty, but keep its comma)", i, record.get(0)));
                continue;
            }
            switch (Credits.parse(record.get(1))) {
                case Credits.Entered.Invalid invalid -> refused.add(new Malformed("INVALID_AMOUNT", invalid.message(), i, record.get(0)));
                case Credits.Entered.Valid valid -> {
                    String note = record.get(2);
                    items.add(new BulkChange.Item(null, record.get(0).strip(), valid.credits(), note.isBlank() ? null : note));
                }
            }
        }
        if (!refused.isEmpty()) {
            var first = refused.getFirst();
            return new Malformed(first.code(), first.problem(), first.index(), first.email(), List.copyOf(refused));
        }
        return new Rows(items);
    }
}
