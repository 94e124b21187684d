package com.aicredits.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The benchmark compares the service's charges with pgbench running the service's own charge statement on the
 * same database. That comparison only means something while the two statements are the same, so this test
 * renders {@link AdmissionStore#CHARGE} with pgbench's variables in place of the service's parameters and
 * requires the benchmark's script to be exactly that.
 */
class PgbenchScriptTest {

    static final Path SCRIPT = Path.of("../bench/src/main/resources/pgbench-charge.sql");

    /** What pgbench puts where the service binds a parameter: a seeded user of the largest tenant, 1 credit. */
    static final Map<String, String> PGBENCH_VALUES = Map.of(
            "tenant", "cast(:tenant as uuid)",
            "user", "md5(cast(:tenant as text) || ':' || cast(:n as text))::uuid",
            "request", "'pgb-' || gen_random_uuid()",
            "feature", "'pgbench'",
            "actor", "'pgbench'",
            "amount", "1000",
            "now", "now()");

    static String render() {
        Matcher parameter = Pattern.compile("(?<![:\\w]):(\\w+)").matcher(AdmissionStore.CHARGE);
        var sql = new StringBuilder();
        while (parameter.find()) {
            String value = PGBENCH_VALUES.get(parameter.group(1));
            if (value == null) {
                throw new IllegalStateException("the charge statement binds :" + parameter.group(1)
                        + ", which the pgbench script has no value for");
            }
            parameter.appendReplacement(sql, Matcher.quoteReplacement(value));
        }
        parameter.appendTail(sql);
        return """
                -- pgbench: the SQL of one service charge (AdmissionStore.CHARGE), as the service sends it: one call of
                -- credits_charge (V30), the conditional UPDATE of the account, the request row and the ledger entry, on a
                -- random seeded user of the largest tenant. Variables: tenant, users (set with -D). Generated:
                -- PgbenchScriptTest holds it equal to the service's statement and prints the new text when it changes.
                \\set n random(1, :users)
                """ + sql.toString().strip() + ";\n";
    }

    @Test
    void the_benchmark_runs_the_services_own_charge_statement() throws IOException {
        String expected = render();
        assertThat(Files.readString(SCRIPT))
                .as("bench/src/main/resources/pgbench-charge.sql must be the service's charge statement; write this:\n%s", expected)
                .isEqualTo(expected);
    }

    @Test
    void every_parameter_of_the_charge_statement_has_a_pgbench_value() {
        assertThat(render()).doesNotContainPattern("(?<![:\\w]):(?!tenant\\b|n\\b|users\\b)\\w+");
    }
}
